// What a cosa gesture waits for before it can spawn, found before its last
// click: the runtime's facts (cached by the engine) and whether the cosa
// image is here (`<runtime> image inspect`). warmUpCosa() starts both without
// any UI (when a picker opens, and after the first view); prepareCosa
// (src/vscode/cosaLauncher.ts) then finds them done.

import { CosaEngine } from '../engine/cosaProcess';
import { inspectImage } from '../engine/hostFacts';
import { readCosaSettings } from './settings';

/** Images seen present, per runtime executable: not looked up again in this session (like the alias, which checks only its default image). */
const imagesSeen = new Set<string>();
/** Lookups started by a warm-up and not finished yet. */
const lookups = new Map<string, Promise<boolean>>();

const keyOf = (runtimePath: string, image: string) => `${runtimePath}\0${image}`;

export function markImagePresent(runtimePath: string, image: string): void {
  imagesSeen.add(keyOf(runtimePath, image));
}

/** true: seen present (or a warm-up in flight finds it present); false: unknown, look it up (and offer the pull). */
export async function imageKnownPresent(runtimePath: string, image: string): Promise<boolean> {
  const key = keyOf(runtimePath, image);
  return imagesSeen.has(key) || (await lookups.get(key)) === true;
}

/** Starts runtime detection and the image lookup, with no UI; failures are left for the gesture to explain. */
export function warmUpCosa(engine: CosaEngine): void {
  let settings;
  try {
    settings = readCosaSettings();
  } catch {
    return; // the gesture shows the settings problem
  }
  const { image } = settings;
  void engine.runtime(settings.runtime).then((runtime) => {
    const key = keyOf(runtime.path, image);
    if (imagesSeen.has(key) || lookups.has(key)) {
      return;
    }
    const lookup = inspectImage(runtime.path, image).then((facts) => {
      if (facts.present) {
        imagesSeen.add(key);
      }
      return facts.present;
    }, () => false).finally(() => lookups.delete(key));
    lookups.set(key, lookup);
  }, () => undefined);
}
