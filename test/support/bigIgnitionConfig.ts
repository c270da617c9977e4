// An ordinary big Ignition config (files with data URLs and sha512 hashes,
// units, users), pretty-printed like a person's: the ~1 MB config of the
// Ignition benches (bench/ignition-validate.bench.ts, bench/keystroke.bench.ts)
// and of the validation worker's tests.

export function bigIgnitionConfig(targetBytes: number): string {
  const files: object[] = [];
  const units: object[] = [];
  const users: object[] = [];
  let i = 0;
  let size = 0;
  while (size < targetBytes) {
    files.push({ path: `/etc/app/conf-${i}.d/file-${i}.conf`, mode: 420, overwrite: true, user: { name: 'core' },
      contents: { source: `data:,setting-${i}%3Dvalue%0A${'x'.repeat(40)}`, verification: { hash: 'sha512-' + 'ab'.repeat(64) } } });
    if (i % 10 === 0) units.push({ name: `app-${i}.service`, enabled: true, contents: `[Unit]\nDescription=App ${i}\n[Service]\nExecStart=/usr/bin/app --id ${i}\n[Install]\nWantedBy=multi-user.target\n` });
    if (i % 20 === 0) users.push({ name: `user${i}`, sshAuthorizedKeys: [`ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${'k'.repeat(43)} user${i}@host`] });
    size += 420;
    i++;
  }
  return JSON.stringify({ ignition: { version: '3.3.0' }, storage: { files }, systemd: { units }, passwd: { users } }, null, 2);
}
