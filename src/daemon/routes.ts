import { Router } from './router.js';
import { registerCoreRoutes, type DaemonContext } from './api.js';
import { registerDashboardRoutes } from '../web/server/routes.js';

/**
 * Every route the daemon serves. Areas add theirs here with one `registerXRoutes(router, ctx)` line (the
 * dashboard: its login, static files and live views); tests enumerate the result to check auth on each.
 */
export function buildRouter(ctx: DaemonContext): Router {
  const router = new Router();
  registerCoreRoutes(router, ctx);
  registerDashboardRoutes(router, ctx);
  return router;
}
