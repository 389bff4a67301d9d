#!/usr/bin/env bash
# Offline demo of the main job: a profile runs the real Claude Code, metered into the SQLite ledger.
# No network here, so a local stand-in speaks the Anthropic Messages API on loopback.
# State goes to ./.demo (RINGLET_HOME, config) so your own ~/.ringlet is untouched; everything else is
# ringlet's defaults: OS keychain where one answers, else the 0600 credentials file.
set -euo pipefail
cd "$(dirname "$0")/.."
export RINGLET_HOME="$PWD/.demo/ringlet" XDG_CONFIG_HOME="$PWD/.demo/config"
export PATH="$PWD/node_modules/.bin:$PWD/bin:$PATH"
[[ -f dist/ringlet.mjs ]] || node build.mjs

fifo=$(mktemp -u) && mkfifo "$fifo"
node dist/fake-provider.mjs --port 0 --reply "Hello from Claude Code, running under the ringlet profile 'demo'." >"$fifo" &
fake=$!
trap 'kill $fake 2>/dev/null; rm -f "$fifo"' EXIT
read -r _ _ url <"$fifo"

echo "\$ ringlet keychain set custom demo"
printf 'sk-demo-not-a-real-key\n' | ringlet keychain set custom demo --replace
if [[ ! -d "$RINGLET_HOME/profiles/demo" ]]; then
  echo "\$ ringlet profiles create claude demo --provider custom --custom-endpoint $url"
  ringlet profiles create claude demo --provider custom --custom-endpoint "$url" --key-alias demo
else
  ringlet profiles set demo --endpoint "$url"
fi
echo "\$ ringlet profiles run demo -- claude -p 'Say hello'"
ringlet profiles run demo -- claude -p 'Say hello'
echo "\$ ringlet usage"
ringlet usage
