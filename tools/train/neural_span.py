"""The neural span reader, an experiment beside the linear span model (npm run train -- --neural).

A small reader of the DrQA family, trained here on CPU with PyTorch (Debian's python3-torch): every
token of a question's leading sentences is [its word vector (fixed), the question's words aligned to
it by attention, exact-match and shape flags, the ranker's sentence probability]; a BiLSTM reads
them; the question is a BiLSTM over its word vectors pooled by attention, plus its answer type;
bilinear start and end scores over all the tokens of the question's sentences at once (shared
normalisation), spans of at most 15 tokens within one sentence. Trained on the train split's
examples, seeded; dev chooses the number of epochs (exact match of the top span, the measure the
linear span model is chosen by). Then the same number of epochs on each half of the train articles,
so that Node (src/answer/span-network.ts) can read every train question with a network that never
saw its article, for the short-answer model downstream. Writes raw weights as JSON to --out; the
training script (tools/train/run.ts) checks them in Node and writes the shipped file with its card.
"""
import argparse
import base64
import copy
import json
import random
import time

import numpy as np
import torch
from torch import nn

MAX_SPAN = 15
HIDDEN = 48
TYPES = 9


def load_vectors(path):
    data = open(path, 'rb').read()
    magic = b'FNWV1\n'
    assert data.startswith(magic), 'not a Footnote word-vector table'
    header_end = data.index(b'\n', len(magic))
    header = json.loads(data[len(magic):header_end])
    start = header_end + 1 + header['wordsBytes']
    table = np.frombuffer(data, dtype=np.int8, offset=start, count=header['words'] * header['dimensions']).astype(np.float32)
    table = table.reshape(header['words'], header['dimensions'])
    table /= np.maximum(np.linalg.norm(table, axis=1, keepdims=True), 1e-6)
    # Row 0 stands for "no vector" (rows are shifted by one).
    return torch.from_numpy(np.vstack([np.zeros((1, header['dimensions']), dtype=np.float32), table]))


class Reader(nn.Module):
    def __init__(self, vectors, features, hidden=HIDDEN):
        super().__init__()
        dim = vectors.shape[1]
        self.embed = nn.Embedding.from_pretrained(vectors, freeze=True, padding_idx=0)
        self.align = nn.Linear(dim, hidden)
        self.passage = nn.LSTM(2 * dim + features, hidden, batch_first=True, bidirectional=True)
        self.question = nn.LSTM(dim, hidden, batch_first=True, bidirectional=True)
        self.pool = nn.Linear(2 * hidden, 1)
        self.answer_type = nn.Embedding(TYPES, 2 * hidden)
        self.start = nn.Linear(2 * hidden, 2 * hidden, bias=False)
        self.end = nn.Linear(2 * hidden, 2 * hidden, bias=False)

    def forward(self, q_rows, q_mask, p_rows, p_feats, p_mask, types):
        q_emb, p_emb = self.embed(q_rows), self.embed(p_rows)
        # Aligned question embedding: each passage token attends over the question's words.
        scores = torch.relu(self.align(p_emb)) @ torch.relu(self.align(q_emb)).transpose(1, 2)
        scores = scores.masked_fill(~q_mask.unsqueeze(1), -1e9)
        aligned = torch.softmax(scores, dim=-1) @ q_emb
        # Packed, so that each direction reads exactly the tokens Node will read (no padding).
        h = self.encode(self.passage, torch.cat([p_emb, aligned, p_feats], dim=-1), p_mask)
        qh = self.encode(self.question, q_emb, q_mask)
        weights = torch.softmax(self.pool(qh).squeeze(-1).masked_fill(~q_mask, -1e9), dim=-1)
        q = (weights.unsqueeze(-1) * qh).sum(1) + self.answer_type(types)
        start = (h @ self.start(q).unsqueeze(-1)).squeeze(-1).masked_fill(~p_mask, -1e9)
        end = (h @ self.end(q).unsqueeze(-1)).squeeze(-1).masked_fill(~p_mask, -1e9)
        return torch.log_softmax(start, -1), torch.log_softmax(end, -1)


    @staticmethod
    def encode(lstm, inputs, mask):
        lengths = mask.sum(1).cpu()
        packed = nn.utils.rnn.pack_padded_sequence(inputs, lengths, batch_first=True, enforce_sorted=False)
        out, _ = lstm(packed)
        return nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=inputs.shape[1])[0]


def exported(model, epochs, dev_exact, seconds, hidden=HIDDEN):
    """The trainable weights as little-endian float32 in base64, by PyTorch's names (the frozen word vectors are the table's)."""
    weights = {}
    for name, tensor in model.state_dict().items():
        if name == 'embed.weight':
            continue
        array = tensor.detach().cpu().numpy().astype('<f4')
        weights[name] = {'shape': list(array.shape), 'data': base64.b64encode(array.tobytes()).decode('ascii')}
    return {'hidden': hidden, 'types': TYPES, 'maxSpan': MAX_SPAN, 'epochs': epochs, 'devTopSpanExact': dev_exact, 'trainingSeconds': round(seconds), 'weights': weights}


def flatten(example):
    """The example's sentences end to end: rows, features, which sentence each token is in, gold pairs."""
    rows, feats, sentence_of, gold = [], [], [], []
    for k, s in enumerate(example['sentences']):
        offset = len(rows)
        rows += [r + 1 for r in s['rows']]
        feats += s['features']
        sentence_of += [k] * len(s['rows'])
        gold += [(a + offset, b + offset) for a, b in s['gold']]
    return rows, feats, sentence_of, gold


def batch(examples, n_features):
    flat = [flatten(e) for e in examples]
    size = len(examples)
    q_len = max(1, max(len(e['question']) for e in examples))
    p_len = max(1, max(len(f[0]) for f in flat))
    q_rows = torch.zeros(size, q_len, dtype=torch.long)
    p_rows = torch.zeros(size, p_len, dtype=torch.long)
    p_feats = torch.zeros(size, p_len, n_features)
    for i, (e, (rows, feats, _, _)) in enumerate(zip(examples, flat)):
        q_rows[i, :len(e['question'])] = torch.tensor([r + 1 for r in e['question']] or [0])[:q_len]
        if rows:
            p_rows[i, :len(rows)] = torch.tensor(rows)
            p_feats[i, :len(rows)] = torch.tensor(feats, dtype=torch.float32)
    q_mask = torch.zeros(size, q_len, dtype=torch.bool)
    p_mask = torch.zeros(size, p_len, dtype=torch.bool)
    for i, (e, f) in enumerate(zip(examples, flat)):
        q_mask[i, :max(1, len(e['question']))] = True
        p_mask[i, :max(1, len(f[0]))] = True
    types = torch.tensor([e['type'] for e in examples])
    return (q_rows, q_mask, p_rows, p_feats, p_mask, types), flat


def loss_of(start, end, flat):
    losses = []
    for i, (_, _, _, gold) in enumerate(flat):
        if not gold:
            continue
        starts = torch.tensor(sorted({a for a, _ in gold}))
        ends = torch.tensor(sorted({b for _, b in gold}))
        losses.append(-torch.logsumexp(start[i, starts], 0) - torch.logsumexp(end[i, ends], 0))
    return torch.stack(losses).mean() if losses else None


def decode(start, end, sentence_of):
    """The best span of at most MAX_SPAN tokens within one sentence."""
    n = len(sentence_of)
    best, at = -1e18, (0, 0)
    s, e = start[:n].tolist(), end[:n].tolist()
    for a in range(n):
        for b in range(a, min(n, a + MAX_SPAN)):
            if sentence_of[b] != sentence_of[a]:
                break
            if s[a] + e[b] > best:
                best, at = s[a] + e[b], (a, b)
    return at, best


def exact(model, examples, n_features):
    model.eval()
    hits = 0
    with torch.no_grad():
        for i in range(0, len(examples), 64):
            part = examples[i:i + 64]
            inputs, flat = batch(part, n_features)
            start, end = model(*inputs)
            for k, (_, _, sentence_of, gold) in enumerate(flat):
                if sentence_of:
                    span, _ = decode(start[k], end[k], sentence_of)
                    hits += span in set(gold)
    return hits / max(1, len(examples))


def train(examples, vectors, n_features, epochs, seed, dev=None):
    """A seeded model after `epochs` epochs; with dev, the epoch with the best dev exact match (and the curve)."""
    random.seed(seed)
    torch.manual_seed(seed)
    examples = list(examples)
    model = Reader(vectors, n_features)
    optimiser = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=2e-3)
    best, curve, began = None, [], time.time()
    for epoch in range(epochs):
        model.train()
        random.shuffle(examples)
        total = 0.0
        for i in range(0, len(examples), 32):
            inputs, flat = batch(examples[i:i + 32], n_features)
            start, end = model(*inputs)
            loss = loss_of(start, end, flat)
            if loss is None:
                continue
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += loss.item()
        line = f'  epoch {epoch + 1}: train loss {total / max(1, len(examples) / 32):.3f}'
        if dev is not None:
            curve.append(exact(model, dev, n_features))
            line += f', dev top span exact {curve[-1]:.3f}'
            if best is None or curve[-1] > max(curve[:-1]):
                best = copy.deepcopy(model.state_dict())
        print(f'{line} ({time.time() - began:.0f} s)', flush=True)
    if best is not None:
        model.load_state_dict(best)
    return model, curve


def fixture(path):
    """A tiny random network, an input and PyTorch's outputs for it: the test that Node computes the same (tests/answer/span-network.test.ts)."""
    torch.manual_seed(7)
    vectors = torch.nn.functional.normalize(torch.randn(6, 4), dim=1)
    vectors[0] = 0
    model = Reader(vectors, 3, hidden=3)
    for p in model.parameters():
        if p.requires_grad:
            torch.nn.init.uniform_(p, -0.8, 0.8)
    model.eval()
    q_rows, p_rows = [1, 0, 3], [2, 5, 0, 4, 1, 3, 2]
    feats = torch.rand(len(p_rows), 3)
    with torch.no_grad():
        start, end = model(torch.tensor([q_rows]), torch.ones(1, 3, dtype=torch.bool), torch.tensor([p_rows]), feats.unsqueeze(0), torch.ones(1, len(p_rows), dtype=torch.bool), torch.tensor([2]))
    data = exported(model, 0, -1, 0, hidden=3)
    data['fixture'] = {'vectors': vectors.tolist(), 'question': q_rows, 'passage': p_rows, 'features': feats.tolist(), 'type': 2, 'start': start[0].tolist(), 'end': end[0].tolist()}
    with open(path, 'w') as out:
        json.dump(data, out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--fixture', help='write the inference test fixture here and stop')
    parser.add_argument('--examples')
    parser.add_argument('--vectors')
    parser.add_argument('--out', help='folder for full.json and fold-<k>.json')
    parser.add_argument('--seed', type=int, default=20261127)
    parser.add_argument('--epochs', type=int, default=8)
    parser.add_argument('--halves', type=int, default=2, help='out-of-fold models, by article fold modulo this')
    args = parser.parse_args()
    if args.fixture:
        return fixture(args.fixture)
    torch.set_num_threads(2)
    examples = [json.loads(line) for line in open(args.examples)]
    train_set = [e for e in examples if e['split'] == 'train' and any(s['gold'] for s in e['sentences'])]
    dev = [e for e in examples if e['split'] == 'dev']
    n_features = len(next(iter(s['features'][0] for e in examples for s in e['sentences'] if s['features'])))
    vectors = load_vectors(args.vectors)
    began = time.time()
    print(f'neural span reader: {len(train_set)} train examples with a gold span, {len(dev)} dev questions', flush=True)
    model, curve = train(train_set, vectors, n_features, args.epochs, args.seed, dev)
    epochs = 1 + max(range(len(curve)), key=lambda k: (curve[k], -k))
    print(f'  chosen on dev: {epochs} epochs (top span exact {curve[epochs - 1]:.3f})', flush=True)
    with open(f'{args.out}/full.json', 'w') as out:
        json.dump(exported(model, epochs, curve[epochs - 1], time.time() - began), out)
    for half in range(args.halves):
        part = [e for e in train_set if e['fold'] % args.halves != half]
        print(f'  without fold {half} (mod {args.halves}): {len(part)} examples', flush=True)
        fold_model, _ = train(part, vectors, n_features, epochs, args.seed + 1 + half)
        with open(f'{args.out}/fold-{half}.json', 'w') as out:
            json.dump(exported(fold_model, epochs, -1, time.time() - began), out)


if __name__ == '__main__':
    main()
