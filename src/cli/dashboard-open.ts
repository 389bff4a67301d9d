import { spawn } from 'node:child_process';

/**
 * Hands a URL to the desktop's browser: $BROWSER, else the platform's opener. False when there is no
 * display to open it on or the opener cannot start, so the caller prints the URL instead.
 */
export function openBrowser(url: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  let cmd: string;
  let args: string[];
  if (env.BROWSER) {
    [cmd, ...args] = env.BROWSER.split(/\s+/).filter(Boolean);
    args.push(url);
  } else if (process.platform === 'darwin') {
    [cmd, args] = ['open', [url]];
  } else if (process.platform === 'win32') {
    [cmd, args] = ['rundll32', ['url.dll,FileProtocolHandler', url]];
  } else {
    if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return Promise.resolve(false);
    [cmd, args] = ['xdg-open', [url]];
  }
  return new Promise((resolve) => {
    try {
      const child = spawn(cmd, args, { detached: true, stdio: 'ignore', env });
      child.once('error', () => resolve(false));
      child.once('spawn', () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
}
