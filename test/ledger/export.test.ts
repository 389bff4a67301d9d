import { describe, expect, it } from 'vitest';
import { csvField, csvLine, groupsCsv, recordsCsv, recordsJson, RECORD_COLUMNS } from '../../src/ledger/export.js';
import type { UsageRecord } from '../../src/ledger/types.js';
import type { UsageReport } from '../../src/ledger/query.js';

/** An independent RFC 4180 reader, so the writer is checked against the grammar rather than itself. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quote');
        if (text[i] === '"') {
          if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
          i++;
          break;
        }
        field += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
        if (text[i] === '"' || text[i] === '\n') throw new Error(`bare ${JSON.stringify(text[i])} in unquoted field at ${i}`);
        field += text[i++];
      }
    }
    row.push(field);
    if (text[i] === ',') { i++; continue; }
    if (text.startsWith('\r\n', i)) { rows.push(row); row = []; i += 2; continue; }
    if (i < text.length) throw new Error(`unexpected ${JSON.stringify(text[i])} at ${i}`);
  }
  if (row.length) throw new Error('last record not CRLF-terminated');
  return rows;
}

const nasty = ['plain', 'a,b', 'say "hi"', 'line1\nline2', 'cr\rlf', '"', ',', '', ' spaced ', 'ünïcødé,"\r\n'];

describe('CSV', () => {
  it('quotes only what RFC 4180 requires and round-trips every character', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(null)).toBe('');
    expect(csvField(1.5)).toBe('1.5');
    expect(parseCsv(csvLine(nasty))).toEqual([nasty]);
  });

  it('exports ledger rows with awkward model names intact, one record per row', () => {
    const rows: UsageRecord[] = nasty.map((model, i) => ({
      ts: `2026-05-0${(i % 9) + 1}T00:00:00.000Z`, profile: i % 2 ? null : 'p,1', agent: 'claude', provider: 'custom', model,
      inputTokens: i, outputTokens: 2 * i, cacheWriteTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0, reasoningTokens: 0,
      costUsd: i % 3 ? i / 8 : null, source: 'import', messageId: `id"${i}`, rule: null,
    }));
    const parsed = parseCsv([...recordsCsv(rows)].join(''));
    expect(parsed[0]).toEqual([...RECORD_COLUMNS]);
    expect(parsed).toHaveLength(rows.length + 1);
    parsed.slice(1).forEach((cells, i) => {
      expect(cells[RECORD_COLUMNS.indexOf('model')]).toBe(nasty[i]);
      expect(cells[RECORD_COLUMNS.indexOf('profile')]).toBe(i % 2 ? '' : 'p,1');
      expect(cells[RECORD_COLUMNS.indexOf('message_id')]).toBe(`id"${i}`);
      expect(cells[RECORD_COLUMNS.indexOf('cost_usd')]).toBe(i % 3 ? String(i / 8) : '');
    });
    // JSON export parses back to the same records.
    expect(JSON.parse([...recordsJson(rows)].join(''))).toEqual(rows);
    expect(JSON.parse([...recordsJson([])].join(''))).toEqual([]);
  });

  it('exports one line per group with the view key columns', () => {
    const report = {
      schema: 'ringlet.usage/1', view: 'model', pricesAsOf: '2026-11-10',
      filter: { profile: null, provider: null, model: null, agent: null, since: null, until: null },
      groups: [{ model: 'x,"y"\n', requests: 2, inputTokens: 3, outputTokens: 4, cacheWriteTokens: 5, cacheWrite1hTokens: 1, cacheReadTokens: 6, reasoningTokens: 0, costUsd: 0, unpricedRequests: 2, unpricedModels: ['x,"y"\n'] }],
      total: { requests: 2, inputTokens: 3, outputTokens: 4, cacheWriteTokens: 5, cacheWrite1hTokens: 1, cacheReadTokens: 6, reasoningTokens: 0, costUsd: 0, unpricedRequests: 2, unpricedModels: ['x,"y"\n'] },
    } satisfies UsageReport;
    expect(parseCsv([...groupsCsv(report)].join(''))).toEqual([
      ['model', 'requests', 'input_tokens', 'output_tokens', 'cache_write_tokens', 'cache_write_1h_tokens', 'cache_read_tokens', 'reasoning_tokens', 'cost_usd', 'unpriced_requests', 'unpriced_models'],
      ['x,"y"\n', '2', '3', '4', '5', '1', '6', '0', '0', '2', 'x,"y"\n'],
    ]);
  });
});
