// Starts the app (a file of its own: the Content-Security-Policy allows no inline script).
import init, { run_app } from './rollcall_frontend.js';
window.__rollcall_t0 = performance.now();
init().then(() => { document.getElementById('boot')?.remove(); run_app(); })
  .catch((e) => { document.getElementById('boot').textContent = 'Rollcall could not start: ' + e; });
