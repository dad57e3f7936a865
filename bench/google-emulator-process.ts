/**
 * The Google emulator in a process of its own, so that the bench's memory figures are the sync's
 * alone (the emulator keeps every event in memory). Prints `{"url": …}` once listening; stops
 * when its parent closes stdin.
 */
import { startGoogleEmulator } from '../emulators/google/server';
import { BENCH_EMPTY_SEED } from './bench-seed';

const emulator = await startGoogleEmulator({ port: 0, seed: BENCH_EMPTY_SEED });
process.stdout.write(`${JSON.stringify({ url: emulator.url })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void emulator.close().then(() => process.exit(0));
});
