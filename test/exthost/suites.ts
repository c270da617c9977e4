// Which extension-host suites run in which scratch workspace.

import { registerActivationInBuildDir, registerNoActivationElsewhere } from './activation.test';
import { registerPseudoterminalCancel } from './pseudoterminalCancel.test';

export interface ExtHostSuite {
  readonly scenarios: readonly string[];
  readonly register: () => void;
}

export const suites: readonly ExtHostSuite[] = [
  { scenarios: ['builds'], register: registerActivationInBuildDir },
  { scenarios: ['builds'], register: registerPseudoterminalCancel },
  { scenarios: ['unrelated'], register: registerNoActivationElsewhere },
];
