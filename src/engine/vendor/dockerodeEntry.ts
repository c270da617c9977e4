// Entry of dist/dockerode.js: dockerode in a bundle of its own, loaded only
// when the API is first used, so activation does not parse ~600 KB for it.
export { default } from 'dockerode';
