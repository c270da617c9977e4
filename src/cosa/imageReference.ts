// Is a string a container image reference, by the grammar podman and docker
// share (github.com/distribution/reference, reference.go)? The image setting
// is placed in the runtime's argv right before cosa's arguments, so anything
// else (e.g. "--entrypoint=/bin/sh") would be taken as a runtime option.
// Pure, linear: each regular expression below has no nested quantifier that
// can backtrack over the same characters.
//
//   reference  := name [ ":" tag ] [ "@" digest ]
//   name       := [domain "/"] path-component ["/" path-component]*
//   domain     := host [":" port]   host := domain-name | "[" IPv6 "]"
//   path-component := [a-z0-9]+ (separator [a-z0-9]+)*   separator := [_.] | "__" | "-"+
//   tag        := [\w][\w.-]{0,127}
//   digest     := algorithm ":" [0-9a-fA-F]{32,}
// A name is at most 255 characters. The first of several "/"-separated parts
// is a domain when it contains "." or ":", is "localhost" or has upper case
// (as docker's splitDockerDomain decides); otherwise it is a path component.

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const IPV6 = '\\[[a-fA-F0-9:]+\\]';
const HOST = `(?:${DOMAIN_NAME}|${IPV6})`;
const DOMAIN = new RegExp(`^${HOST}(?::[0-9]+)?$`);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[_.]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const NAME_MAX = 255;

/** Why `ref` is not an image reference, or undefined when it is one. */
export function imageReferenceProblem(ref: string): string | undefined {
  if (ref === '') {
    return 'it is empty';
  }
  if (ref.startsWith('-')) {
    return 'it starts with "-", so the container runtime would take it as an option';
  }
  if (/[\s\0]/.test(ref)) {
    return 'it contains white space';
  }
  let rest = ref;
  const at = rest.indexOf('@');
  if (at >= 0) {
    if (!DIGEST.test(rest.slice(at + 1))) {
      return `"${rest.slice(at + 1)}" is not a digest (algorithm:hex)`;
    }
    rest = rest.slice(0, at);
  }
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    if (!TAG.test(rest.slice(colon + 1))) {
      return `"${rest.slice(colon + 1)}" is not a tag (letters, digits, "_", "." and "-", at most 128)`;
    }
    rest = rest.slice(0, colon);
  }
  if (rest.length > NAME_MAX) {
    return `the name is longer than ${NAME_MAX} characters`;
  }
  const parts = rest.split('/');
  const first = parts[0]!;
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost' || /[A-Z]/.test(first))) {
    if (!DOMAIN.test(first)) {
      return `"${first}" is not a registry host[:port]`;
    }
    parts.shift();
  }
  for (const p of parts) {
    if (!PATH_COMPONENT.test(p)) {
      return `"${p}" is not a valid name component (lower-case letters and digits, separated by ".", "_", "__" or "-")`;
    }
  }
  return undefined;
}

export function isImageReference(ref: string): boolean {
  return imageReferenceProblem(ref) === undefined;
}
