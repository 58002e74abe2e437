import { BlockList, isIP } from 'node:net';

/**
 * Addresses a fetched link may never reach unless ALLOW_PRIVATE_URLS=true: this machine, its
 * private network and the cloud metadata services (169.254.169.254 is link-local, fd00:ec2::254 a
 * unique local address, Alibaba's 100.100.100.200 in the shared range). Without this, anyone who
 * may add a link could make the bot read an internal admin page or the machine's credentials.
 */
const REFUSED: [string, number, 'ipv4' | 'ipv6', string][] = [
  ['0.0.0.0', 8, 'ipv4', 'this host'], // 0.0.0.0 connects to this machine on Linux
  ['127.0.0.0', 8, 'ipv4', 'loopback'],
  ['10.0.0.0', 8, 'ipv4', 'private'],
  ['172.16.0.0', 12, 'ipv4', 'private'],
  ['192.168.0.0', 16, 'ipv4', 'private'],
  ['169.254.0.0', 16, 'ipv4', 'link-local (cloud metadata)'],
  ['100.64.0.0', 10, 'ipv4', 'shared (carrier and cloud internal)'],
  ['224.0.0.0', 4, 'ipv4', 'multicast'],
  ['240.0.0.0', 4, 'ipv4', 'reserved'],
  ['198.18.0.0', 15, 'ipv4', 'benchmarking (internal)'],
  ['192.0.0.0', 24, 'ipv4', 'protocol assignments (internal)'],
  ['::', 128, 'ipv6', 'unspecified'],
  ['::1', 128, 'ipv6', 'loopback'],
  // Forms that carry an IPv4 address the guard cannot see: IPv4-compatible, local NAT64, 6to4.
  ['::', 96, 'ipv6', 'IPv4-compatible'],
  ['64:ff9b:1::', 48, 'ipv6', 'local NAT64'],
  ['2002::', 16, 'ipv6', '6to4'],
  ['fc00::', 7, 'ipv6', 'unique local (private)'],
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['ff00::', 8, 'ipv6', 'multicast'],
];

const lists = REFUSED.map(([network, prefix, family, kind]) => {
  const list = new BlockList();
  list.addSubnet(network, prefix, family);
  return { list, kind };
});

/** An IPv6 address that carries an IPv4 one (::ffff:10.0.0.1, NAT64's 64:ff9b::a00:1): the IPv4 address is what is reached. */
function embeddedIpv4(address: string): string | undefined {
  const match = /^(?:::ffff:(?:0:)?|64:ff9b::)(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(address);
  if (!match) return undefined;
  if (match[1]) return match[1];
  const high = parseInt(match[2]!, 16);
  const low = parseInt(match[3]!, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** What kind of address Footnote refuses `address` as ("loopback", "private"…), or undefined for a public one (and for text that is no IP address). */
export function refusedKind(address: string): string | undefined {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (!family) return undefined;
  const v4 = family === 6 ? embeddedIpv4(bare) : bare;
  const [checked, type] = v4 ? [v4, 'ipv4' as const] : [bare, 'ipv6' as const];
  return lists.find(({ list }) => list.check(checked, type))?.kind;
}
