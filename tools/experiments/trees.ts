import type { Features } from '../../src/answer/model.js';
import type { Group } from '../train/fit.js';

/**
 * An experiment, not shipped. Gradient-boosted regression trees (second-order, histogram splits) for the ranker's softmax-over-
 * candidates objective, to compare with the linear ranker (`npm run train -- --compare-trees`).
 * Deterministic: every row is used in every round and ties break on the lowest feature index.
 */

export interface TreeNode {
  /** Index into the model's features; -1 for a leaf. */
  feature: number;
  threshold: number;
  left: number;
  right: number;
  value: number;
}

export interface TreeOptions {
  rounds: number;
  depth: number;
  rate: number;
  /** L2 on leaf values. */
  lambda: number;
  /** Least hessian weight in a leaf. */
  minWeight: number;
  bins?: number;
}

interface Matrix {
  rows: number;
  columns: number;
  values: Float64Array;
  /** Per column, ascending candidate thresholds; per cell, the bin index. */
  edges: Float64Array[];
  bins: Uint8Array;
}

function matrix(names: readonly string[], records: Features[], maxBins: number): Matrix {
  const rows = records.length;
  const columns = names.length;
  const values = new Float64Array(rows * columns);
  records.forEach((r, i) => names.forEach((name, j) => (values[i * columns + j] = r[name] ?? 0)));
  const edges: Float64Array[] = [];
  const bins = new Uint8Array(rows * columns);
  for (let j = 0; j < columns; j++) {
    const column = Float64Array.from({ length: rows }, (_, i) => values[i * columns + j]!).sort();
    const distinct = [...new Set(Array.from({ length: maxBins - 1 }, (_, k) => column[Math.floor(((k + 1) * rows) / maxBins)]!))].sort((a, b) => a - b);
    edges.push(Float64Array.from(distinct));
    for (let i = 0; i < rows; i++) {
      const v = values[i * columns + j]!;
      let b = 0;
      while (b < distinct.length && v > distinct[b]!) b++;
      bins[i * columns + j] = b;
    }
  }
  return { rows, columns, values, edges, bins };
}

function growTree(m: Matrix, grad: Float64Array, hess: Float64Array, rows: Int32Array, o: TreeOptions): TreeNode[] {
  const nodes: TreeNode[] = [];
  const build = (members: Int32Array, depth: number): number => {
    let G = 0;
    let H = 0;
    for (const i of members) {
      G += grad[i]!;
      H += hess[i]!;
    }
    const index = nodes.length;
    nodes.push({ feature: -1, threshold: 0, left: -1, right: -1, value: (-G / (H + o.lambda)) * o.rate });
    if (depth >= o.depth || members.length < 2) return index;
    let best = { gain: 1e-9, feature: -1, bin: 0 };
    const parent = (G * G) / (H + o.lambda);
    for (let j = 0; j < m.columns; j++) {
      const count = m.edges[j]!.length + 1;
      const gh = new Float64Array(count);
      const hh = new Float64Array(count);
      for (const i of members) {
        const b = m.bins[i * m.columns + j]!;
        gh[b]! += grad[i]!;
        hh[b]! += hess[i]!;
      }
      let gl = 0;
      let hl = 0;
      for (let b = 0; b < count - 1; b++) {
        gl += gh[b]!;
        hl += hh[b]!;
        const gr = G - gl;
        const hr = H - hl;
        if (hl < o.minWeight || hr < o.minWeight) continue;
        const gain = (gl * gl) / (hl + o.lambda) + (gr * gr) / (hr + o.lambda) - parent;
        if (gain > best.gain) best = { gain, feature: j, bin: b };
      }
    }
    if (best.feature < 0) return index;
    const left: number[] = [];
    const right: number[] = [];
    for (const i of members) (m.bins[i * m.columns + best.feature]! <= best.bin ? left : right).push(i);
    nodes[index]!.feature = best.feature;
    nodes[index]!.threshold = m.edges[best.feature]![best.bin]!;
    nodes[index]!.left = build(Int32Array.from(left), depth + 1);
    nodes[index]!.right = build(Int32Array.from(right), depth + 1);
    return index;
  };
  build(rows, 0);
  return nodes;
}

export function treeValue(tree: readonly TreeNode[], value: (feature: number) => number): number {
  let node = tree[0]!;
  while (node.feature >= 0) node = tree[value(node.feature) <= node.threshold ? node.left : node.right]!;
  return node.value;
}

/** Boosted trees for a softmax over each group's candidates. */
export function boostSoftmax(names: readonly string[], groups: Group[], o: TreeOptions): TreeNode[][] {
  const usable = groups.filter((g) => g.weight > 0 && g.right.some(Boolean) && g.features.length > 1);
  const m = matrix(names, usable.flatMap((g) => g.features), o.bins ?? 32);
  const starts: number[] = [];
  let at = 0;
  for (const g of usable) {
    starts.push(at);
    at += g.features.length;
  }
  const scores = new Float64Array(m.rows);
  const grad = new Float64Array(m.rows);
  const hess = new Float64Array(m.rows);
  const all = Int32Array.from({ length: m.rows }, (_, i) => i);
  const trees: TreeNode[][] = [];
  for (let round = 0; round < o.rounds; round++) {
    usable.forEach((g, k) => {
      const s = starts[k]!;
      const n = g.features.length;
      let top = -Infinity;
      for (let i = 0; i < n; i++) top = Math.max(top, scores[s + i]!);
      let z = 0;
      let zRight = 0;
      for (let i = 0; i < n; i++) {
        const e = Math.exp(scores[s + i]! - top);
        z += e;
        if (g.right[i]) zRight += e;
      }
      for (let i = 0; i < n; i++) {
        const e = Math.exp(scores[s + i]! - top);
        const p = e / z;
        const q = g.right[i] ? e / zRight : 0;
        grad[s + i] = g.weight * (p - q);
        hess[s + i] = g.weight * Math.max(p * (1 - p), 1e-6);
      }
    });
    const tree = growTree(m, grad, hess, all, o);
    trees.push(tree);
    for (let i = 0; i < m.rows; i++) scores[i]! += treeValue(tree, (j) => m.values[i * m.columns + j]!);
  }
  return trees;
}
