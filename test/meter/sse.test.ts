import { describe, expect, it } from 'vitest';
import { SseDecoder, type SseEvent } from '../../src/meter/sse.js';

function decode(chunks: Array<string | Buffer>, opts?: ConstructorParameters<typeof SseDecoder>[1]): SseEvent[] {
  const out: SseEvent[] = [];
  const d = new SseDecoder((ev) => out.push(ev), opts);
  for (const c of chunks) d.push(typeof c === 'string' ? Buffer.from(c) : c);
  d.end();
  return out;
}

/** Every way to cut `bytes` in two, plus byte by byte. */
function splits(bytes: Buffer): Buffer[][] {
  const ways: Buffer[][] = [];
  for (let i = 0; i <= bytes.length; i++) ways.push([bytes.subarray(0, i), bytes.subarray(i)]);
  ways.push([...bytes].map((b) => Buffer.from([b])));
  return ways;
}

describe('SseDecoder', () => {
  it('decodes events with names, multi-line data and the optional space after the colon', () => {
    const evs = decode(['event: a\ndata: one\ndata:two\n\ndata: {"x":1}\n\n']);
    expect(evs.map(({ event, data }) => ({ event, data }))).toEqual([
      { event: 'a', data: 'one\ntwo' },
      { event: '', data: '{"x":1}' },
    ]);
  });

  it('ignores comments and keep-alives, ids, retry and unknown fields, and empty events', () => {
    const evs = decode([': ping\n\nid: 7\nretry: 100\nfoo: bar\n\n:\n\nevent: x\n\ndata: ok\n\n']);
    expect(evs.map((e) => [e.event, e.data])).toEqual([['', 'ok']]);
  });

  it('treats CRLF, CR and LF alike, at any chunk boundary, including between CR and LF', () => {
    const text = 'event: a\r\ndata: 1\r\n\r\nevent: b\rdata: 2\r\rdata: 3\n\n';
    const want = [['a', '1'], ['b', '2'], ['', '3']];
    for (const way of splits(Buffer.from(text))) {
      expect(decode(way).map((e) => [e.event, e.data])).toEqual(want);
    }
  });

  it('reassembles UTF-8 characters split across chunks', () => {
    const text = 'data: Héllo — 🦄 ✓\n\n';
    for (const way of splits(Buffer.from(text))) {
      expect(decode(way).map((e) => e.data)).toEqual(['Héllo — 🦄 ✓']);
    }
  });

  it('strips a leading BOM and passes [DONE] through as data', () => {
    const evs = decode([Buffer.concat([Buffer.from([0xef, 0xbb]), Buffer.from([0xbf]), Buffer.from('data: [DONE]\n\n')])]);
    expect(evs.map((e) => e.data)).toEqual(['[DONE]']);
  });

  it('reports the byte offset past each event', () => {
    const a = 'data: é\n\n';
    const b = ': c\r\ndata: 2\r\n\r\n';
    const evs = decode([a + b]);
    expect(evs.map((e) => e.end)).toEqual([Buffer.byteLength(a), Buffer.byteLength(a + b)]);
  });

  it('emits a final event left unterminated when the stream ends', () => {
    expect(decode(['data: {"a":1}']).map((e) => e.data)).toEqual(['{"a":1}']);
  });

  it('skips the data of unwanted event names without emitting them', () => {
    const evs = decode(['event: big\ndata: xxx\n\nevent: keep\ndata: y\n\n'], { skip: (n) => n === 'big' });
    expect(evs.map((e) => [e.event, e.data])).toEqual([['keep', 'y']]);
  });

  it('calls onIdle after events and stray comments, not inside an event', () => {
    const idle: number[] = [];
    decode([': hi\ndata: 1\n: inside\n\n'], { onIdle: (n) => idle.push(n) });
    expect(idle).toEqual([5, 5 + 8 + 9 + 1]);
  });
});
