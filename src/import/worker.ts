// The import worker's entry, built to dist/import-worker.cjs: parses the log files it is sent (see pool.ts).
import { serve } from './pool.js';

serve();
