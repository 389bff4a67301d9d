#!/usr/bin/env bash
# Installs the agent CLIs that are not devDependencies (they are large) for the end-to-end tests:
# Gemini CLI, OpenCode, the community Grok CLI and Droid, pinned, into .cache/agents; links their binaries
# into .cache/agents/bin. Idempotent: a second run with the same versions does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=.cache/agents
pkgs=(@google/gemini-cli@0.61.0 opencode-ai@1.18.33 @vibe-kit/grok-cli@0.0.34 @factory/cli@0.225.1 @factory/cli-linux-x64@0.225.2)
stamp="$dir/.installed"
if [[ ! -f $stamp || "$(cat "$stamp")" != "${pkgs[*]}" ]]; then
  mkdir -p "$dir"
  [[ -f $dir/package.json ]] || echo '{"private":true}' >"$dir/package.json"
  npm install --prefix "$dir" --no-audit --no-fund --no-save "${pkgs[@]}" >/dev/null
  echo "${pkgs[*]}" >"$stamp"
fi
mkdir -p "$dir/bin"
for b in gemini opencode grok; do ln -sf "../node_modules/.bin/$b" "$dir/bin/$b"; done
ln -sf ../node_modules/@factory/cli-linux-x64/bin/droid "$dir/bin/droid"
echo "$PWD/$dir/bin"
