/**
 * The Ignition config model per spec version, shaped like Ignition's Go types
 * (config/v3_X/types/schema.go, which are generated from the spec's JSON
 * schema): struct and field names, JSON names, Go kinds and field order all
 * matter, because they drive json.Unmarshal's type errors, the order of
 * validation entries and the unused-key warnings.
 *
 * test/unit/ignition/model.test.ts checks these against the official JSON
 * schemas (media/schemas/ignition-3.X.0.json).
 */

export type SpecVersion = '3.0.0' | '3.1.0' | '3.2.0' | '3.3.0' | '3.4.0' | '3.5.0' | '3.6.0' | '3.7.0-experimental';

export const SPEC_VERSIONS: readonly SpecVersion[] = ['3.0.0', '3.1.0', '3.2.0', '3.3.0', '3.4.0', '3.5.0', '3.6.0', '3.7.0-experimental'];

export type GoType =
  | { k: 'string'; name: string }
  | { k: 'int'; name: string }
  | { k: 'bool'; name: string }
  | { k: 'ptr'; elem: GoType }
  | { k: 'slice'; name: string; elem: GoType }
  | StructType;

export interface Field {
  /** JSON name from the struct tag (or the Go name when untagged). */
  json: string;
  /** Go field name (used by IgnoreDuplicates / MergedKeys). */
  go: string;
  type: GoType;
}

export interface StructType {
  k: 'struct';
  /** Go type name without package, '' for anonymous structs. */
  name: string;
  /** reflect.Type.String(). */
  typeString: string;
  /** Flattened fields (embedded structs expanded in place), in Go order. */
  fields: Field[];
  /** Field lookup by JSON name. */
  byJson: Map<string, Field>;
}

const STR: GoType = { k: 'string', name: 'string' };
const INT: GoType = { k: 'int', name: 'int' };
const BOOL: GoType = { k: 'bool', name: 'bool' };
const ptr = (elem: GoType): GoType => ({ k: 'ptr', elem });
const named = (name: string): GoType => ({ k: 'string', name: 'types.' + name });
const sliceOf = (elem: GoType, name?: string): GoType => ({ k: 'slice', elem, name: name ?? '[]' + typeName(elem) });

function typeName(t: GoType): string {
  switch (t.k) {
    case 'ptr': return '*' + typeName(t.elem);
    case 'struct': return t.typeString;
    default: return t.name;
  }
}

type FieldSpec = [go: string, json: string, type: GoType];

function struct(name: string, fields: FieldSpec[], embedded: StructType[] = []): StructType {
  const sorted = [...fields].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const flat: Field[] = [];
  for (const e of embedded) flat.push(...e.fields);
  for (const [go, json, type] of sorted) flat.push({ go, json, type });
  return { k: 'struct', name, typeString: name === '' ? '' : 'types.' + name, fields: flat, byJson: new Map(flat.map((f) => [f.json, f])) };
}

function hasAtLeast(v: SpecVersion, min: SpecVersion): boolean {
  return SPEC_VERSIONS.indexOf(v) >= SPEC_VERSIONS.indexOf(min);
}

/** Build the Go type graph of one spec version; the root is `Config`. */
export function buildModel(v: SpecVersion): { config: StructType; structs: Map<string, StructType> } {
  const at = (min: SpecVersion): boolean => hasAtLeast(v, min);
  const structs = new Map<string, StructType>();
  const def = (name: string, fields: FieldSpec[], embedded: StructType[] = []): StructType => {
    const s = struct(name, fields, embedded);
    structs.set(name, s);
    return s;
  };

  const verification = def('Verification', [['Hash', 'hash', ptr(STR)]]);
  let resource: StructType;
  let caRef: StructType;
  let configRef: StructType;
  let fileContents: StructType;
  if (at('3.1.0')) {
    const header = def('HTTPHeader', [['Name', 'name', STR], ['Value', 'value', ptr(STR)]]);
    resource = def('Resource', [
      ['Compression', 'compression', ptr(STR)],
      ['HTTPHeaders', 'httpHeaders', sliceOf(header, 'types.HTTPHeaders')],
      ['Source', 'source', ptr(STR)],
      ['Verification', 'verification', verification],
    ]);
    caRef = configRef = fileContents = resource;
  } else {
    caRef = def('CaReference', [['Source', 'source', STR], ['Verification', 'verification', verification]]);
    configRef = def('ConfigReference', [['Source', 'source', ptr(STR)], ['Verification', 'verification', verification]]);
    fileContents = def('FileContents', [['Compression', 'compression', ptr(STR)], ['Source', 'source', ptr(STR)], ['Verification', 'verification', verification]]);
    resource = fileContents;
  }

  // ignition section
  const ignitionConfig = def('IgnitionConfig', [['Merge', 'merge', sliceOf(configRef)], ['Replace', 'replace', configRef]]);
  const tls = def('TLS', [['CertificateAuthorities', 'certificateAuthorities', sliceOf(caRef)]]);
  const security = def('Security', [['TLS', 'tls', tls]]);
  const timeouts = def('Timeouts', [['HTTPResponseHeaders', 'httpResponseHeaders', ptr(INT)], ['HTTPTotal', 'httpTotal', ptr(INT)]]);
  const ignFields: FieldSpec[] = [
    ['Config', 'config', ignitionConfig], ['Security', 'security', security], ['Timeouts', 'timeouts', timeouts], ['Version', 'version', STR],
  ];
  if (at('3.1.0')) {
    const proxy = def('Proxy', [['HTTPProxy', 'httpProxy', ptr(STR)], ['HTTPSProxy', 'httpsProxy', ptr(STR)], ['NoProxy', 'noProxy', sliceOf(named('NoProxyItem'))]]);
    ignFields.push(['Proxy', 'proxy', proxy]);
  }
  const ignition = def('Ignition', ignFields);

  // storage
  const nodeUser = def('NodeUser', [['ID', 'id', ptr(INT)], ['Name', 'name', ptr(STR)]]);
  const nodeGroup = def('NodeGroup', [['ID', 'id', ptr(INT)], ['Name', 'name', ptr(STR)]]);
  const node = def('Node', [['Group', 'group', nodeGroup], ['Overwrite', 'overwrite', ptr(BOOL)], ['Path', 'path', STR], ['User', 'user', nodeUser]]);
  const dirEmb = def('DirectoryEmbedded1', [['Mode', 'mode', ptr(INT)]]);
  const directory = def('Directory', [], [node, dirEmb]);
  const fileEmb = def('FileEmbedded1', [['Append', 'append', sliceOf(fileContents)], ['Contents', 'contents', fileContents], ['Mode', 'mode', ptr(INT)]]);
  const file = def('File', [], [node, fileEmb]);
  const linkEmb = def('LinkEmbedded1', [['Hard', 'hard', ptr(BOOL)], ['Target', 'target', at('3.3.0') ? ptr(STR) : STR]]);
  const link = def('Link', [], [node, linkEmb]);
  const partFields: FieldSpec[] = [
    ['GUID', 'guid', ptr(STR)], ['Label', 'label', ptr(STR)], ['Number', 'number', INT], ['ShouldExist', 'shouldExist', ptr(BOOL)],
    ['SizeMiB', 'sizeMiB', ptr(INT)], ['StartMiB', 'startMiB', ptr(INT)], ['TypeGUID', 'typeGuid', ptr(STR)], ['WipePartitionEntry', 'wipePartitionEntry', ptr(BOOL)],
  ];
  if (at('3.2.0')) partFields.push(['Resize', 'resize', ptr(BOOL)]);
  const partition = def('Partition', partFields);
  const disk = def('Disk', [['Device', 'device', STR], ['Partitions', 'partitions', sliceOf(partition)], ['WipeTable', 'wipeTable', ptr(BOOL)]]);
  const fsFields: FieldSpec[] = [
    ['Device', 'device', STR], ['Format', 'format', ptr(STR)], ['Label', 'label', ptr(STR)], ['Options', 'options', sliceOf(named('FilesystemOption'))],
    ['Path', 'path', ptr(STR)], ['UUID', 'uuid', ptr(STR)], ['WipeFilesystem', 'wipeFilesystem', ptr(BOOL)],
  ];
  if (at('3.1.0')) fsFields.push(['MountOptions', 'mountOptions', sliceOf(named('MountOption'))]);
  const filesystem = def('Filesystem', fsFields);
  const raid = def('Raid', [
    ['Devices', 'devices', sliceOf(named('Device'))], ['Level', 'level', at('3.3.0') ? ptr(STR) : STR], ['Name', 'name', STR],
    ['Options', 'options', sliceOf(named('RaidOption'))], ['Spares', 'spares', ptr(INT)],
  ]);
  const storageFields: FieldSpec[] = [
    ['Directories', 'directories', sliceOf(directory)], ['Disks', 'disks', sliceOf(disk)], ['Files', 'files', sliceOf(file)],
    ['Filesystems', 'filesystems', sliceOf(filesystem)], ['Links', 'links', sliceOf(link)], ['Raid', 'raid', sliceOf(raid)],
  ];
  if (at('3.2.0')) {
    const tangFields: FieldSpec[] = [['Thumbprint', 'thumbprint', ptr(STR)], ['URL', 'url', STR]];
    if (at('3.4.0')) tangFields.push(['Advertisement', 'advertisement', ptr(STR)]);
    const tang = def('Tang', tangFields);
    let clevis: StructType;
    if (at('3.3.0')) {
      const custom = def('ClevisCustom', [['Config', 'config', ptr(STR)], ['NeedsNetwork', 'needsNetwork', ptr(BOOL)], ['Pin', 'pin', ptr(STR)]]);
      clevis = def('Clevis', [['Custom', 'custom', custom], ['Tang', 'tang', sliceOf(tang)], ['Threshold', 'threshold', ptr(INT)], ['Tpm2', 'tpm2', ptr(BOOL)]]);
    } else {
      const custom = def('Custom', [['Config', 'config', STR], ['NeedsNetwork', 'needsNetwork', ptr(BOOL)], ['Pin', 'pin', STR]]);
      clevis = def('Clevis', [['Custom', 'custom', ptr(custom)], ['Tang', 'tang', sliceOf(tang)], ['Threshold', 'threshold', ptr(INT)], ['Tpm2', 'tpm2', ptr(BOOL)]]);
    }
    const luksFields: FieldSpec[] = [
      ['Clevis', 'clevis', at('3.3.0') ? clevis : ptr(clevis)], ['Device', 'device', ptr(STR)], ['KeyFile', 'keyFile', resource], ['Label', 'label', ptr(STR)],
      ['Name', 'name', STR], ['Options', 'options', sliceOf(named('LuksOption'))], ['UUID', 'uuid', ptr(STR)], ['WipeVolume', 'wipeVolume', ptr(BOOL)],
    ];
    if (at('3.4.0')) luksFields.push(['Discard', 'discard', ptr(BOOL)], ['OpenOptions', 'openOptions', sliceOf(named('OpenOption'))]);
    if (at('3.5.0')) luksFields.push(['Cex', 'cex', def('Cex', [['Enabled', 'enabled', ptr(BOOL)]])]);
    storageFields.push(['Luks', 'luks', sliceOf(def('Luks', luksFields))]);
  }
  const storage = def('Storage', storageFields);

  // systemd
  const dropin = def('Dropin', [['Contents', 'contents', ptr(STR)], ['Name', 'name', STR]]);
  const unit = def('Unit', [['Contents', 'contents', ptr(STR)], ['Dropins', 'dropins', sliceOf(dropin)], ['Enabled', 'enabled', ptr(BOOL)], ['Mask', 'mask', ptr(BOOL)], ['Name', 'name', STR]]);
  const systemd = def('Systemd', [['Units', 'units', sliceOf(unit)]]);

  // passwd
  const groupFields: FieldSpec[] = [['Gid', 'gid', ptr(INT)], ['Name', 'name', STR], ['PasswordHash', 'passwordHash', ptr(STR)], ['System', 'system', ptr(BOOL)]];
  const userFields: FieldSpec[] = [
    ['Gecos', 'gecos', ptr(STR)], ['Groups', 'groups', sliceOf(named('Group'))], ['HomeDir', 'homeDir', ptr(STR)], ['Name', 'name', STR],
    ['NoCreateHome', 'noCreateHome', ptr(BOOL)], ['NoLogInit', 'noLogInit', ptr(BOOL)], ['NoUserGroup', 'noUserGroup', ptr(BOOL)],
    ['PasswordHash', 'passwordHash', ptr(STR)], ['PrimaryGroup', 'primaryGroup', ptr(STR)], ['SSHAuthorizedKeys', 'sshAuthorizedKeys', sliceOf(named('SSHAuthorizedKey'))],
    ['Shell', 'shell', ptr(STR)], ['System', 'system', ptr(BOOL)], ['UID', 'uid', ptr(INT)],
  ];
  if (at('3.2.0')) {
    groupFields.push(['ShouldExist', 'shouldExist', ptr(BOOL)]);
    userFields.push(['ShouldExist', 'shouldExist', ptr(BOOL)]);
  }
  const passwd = def('Passwd', [['Groups', 'groups', sliceOf(def('PasswdGroup', groupFields))], ['Users', 'users', sliceOf(def('PasswdUser', userFields))]]);

  const configFields: FieldSpec[] = [['Ignition', 'ignition', ignition], ['Passwd', 'passwd', passwd], ['Storage', 'storage', storage], ['Systemd', 'systemd', systemd]];
  if (at('3.3.0')) {
    const kargs = def('KernelArguments', [['ShouldExist', 'shouldExist', sliceOf(named('KernelArgument'))], ['ShouldNotExist', 'shouldNotExist', sliceOf(named('KernelArgument'))]]);
    configFields.push(['KernelArguments', 'kernelArguments', kargs]);
  }
  const config = def('Config', configFields);
  return { config, structs };
}

/** util.versionStub: `struct { Ignition struct { Version string } }` without JSON tags. */
export function versionStubModel(): StructType {
  const inner = struct('', [['Version', 'Version', STR]]);
  inner.typeString = 'struct { Version string }';
  const stub = struct('versionStub', [['Ignition', 'Ignition', inner]]);
  stub.typeString = 'util.versionStub';
  return stub;
}

const cache = new Map<SpecVersion, ReturnType<typeof buildModel>>();
export function modelFor(v: SpecVersion): ReturnType<typeof buildModel> {
  let m = cache.get(v);
  if (!m) { m = buildModel(v); cache.set(v, m); }
  return m;
}
