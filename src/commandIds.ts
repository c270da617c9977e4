// Every command id of the extension, in one place: the manifest contributes
// them (package.json contributes.commands, checked by
// test/unit/commandIds.test.ts), src/vscode/commandTable.ts registers them,
// and every other module, pure ones included, refers to them through this
// object (no 'coreos.<command>' literal elsewhere). No imports: every layer
// may use it.

export const COMMANDS = {
  init: 'coreos.init',
  fetch: 'coreos.fetch',
  build: 'coreos.build',
  buildWithOptions: 'coreos.buildWithOptions',
  buildImages: 'coreos.buildImages',
  buildQemuImage: 'coreos.buildQemuImage',
  buildFetch: 'coreos.buildFetch',
  decompressBuild: 'coreos.decompressBuild',
  tagBuild: 'coreos.tagBuild',
  deleteBuild: 'coreos.deleteBuild',
  clean: 'coreos.clean',
  prune: 'coreos.prune',
  list: 'coreos.list',
  openShell: 'coreos.openShell',
  showRunningCosa: 'coreos.showRunningCosa',
  refresh: 'coreos.refresh',
  checkPrerequisites: 'coreos.checkPrerequisites',
  pullImage: 'coreos.pullImage',
  copyBuildId: 'coreos.copyBuildId',
  revealBuild: 'coreos.revealBuild',
  downloadBuild: 'coreos.downloadBuild',
  openMetaJson: 'coreos.openMetaJson',
  showMoreBuilds: 'coreos.showMoreBuilds',
  openBuildOverview: 'coreos.openBuildOverview',
  runInQemu: 'coreos.runInQemu',
  runInQemuWithOptions: 'coreos.runInQemuWithOptions',
  newIgnitionConfig: 'coreos.newIgnitionConfig',
  validateIgnitionConfig: 'coreos.validateIgnitionConfig',
  openIgnitionEditor: 'coreos.openIgnitionEditor',
  testIgnitionInVm: 'coreos.testIgnitionInVm',
  translateButane: 'coreos.translateButane',
  newKolaTest: 'coreos.newKolaTest',
  selectBuilder: 'coreos.selectBuilder',
  destroySession: 'coreos.destroySession',
  useBuilderOf: 'coreos.useBuilderOf',
  /** Internal (not in the palette): open the prerequisites report at a row, e.g. ('kvm'). */
  showPrerequisite: 'coreos.showPrerequisite',
} as const;

export type CommandKey = keyof typeof COMMANDS;
export type CommandId = (typeof COMMANDS)[CommandKey];

/** Registered but not contributed to the manifest (never shown in the palette). */
export const INTERNAL_COMMANDS: readonly CommandId[] = [COMMANDS.showPrerequisite];
