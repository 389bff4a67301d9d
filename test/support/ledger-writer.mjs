// A separate process that writes to a ledger through the bundled ledger API, as a `profiles run` meter
// or an importer would. argv: <bundled ledger module> <db file> <writer id> <rows>
// Half the rows go in one autocommit insert each (the meter's pattern), half in small
// insertMany + setFileState transactions (the importer's pattern). Prints {"added": n}.
const [modulePath, file, id, n] = process.argv.slice(2);
const { openLedger } = await import(modulePath);
const ledger = await openLedger(file);
const rows = Number(n);
let added = 0;
const rec = (i) => ({
  ts: new Date(Date.UTC(2026, 4, 1) + i * 60_000).toISOString(),
  profile: `p${id}`, agent: 'claude', provider: 'anthropic', model: 'claude-sonnet-4-5',
  inputTokens: 10, outputTokens: 1, cacheWriteTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0, reasoningTokens: 0,
  costUsd: 0.001, source: 'meter', messageId: `w${id}-${i}`, rule: null,
});
const half = Math.floor(rows / 2);
for (let i = 0; i < half; i++) if (ledger.insert(rec(i))) added++;
for (let i = half; i < rows; i += 10) {
  const batch = [];
  for (let j = i; j < Math.min(rows, i + 10); j++) batch.push(rec(j));
  added += ledger.transaction(() => {
    const k = ledger.insertMany(batch);
    ledger.setFileState(`/logs/${id}.jsonl`, { offset: i, size: rows, mtimeMs: 1, ino: Number(id) });
    return k;
  });
}
ledger.close();
process.stdout.write(JSON.stringify({ added }));
