// Suite files the command tests write into a suites folder of their own.
export const GOOD_SUITE = 'id: quick-wait\ntitle: A quick wait\ntags: [smoke, standard]\nrequirement: {source: test, text: waits}\nsteps:\n  - wait: 1 s\n';
/** `wiat` at line 6, column 5. */
export const BROKEN_SUITE = 'id: broken-one\ntitle: Broken\ntags: [smoke]\nrequirement: {source: test, text: t}\nsteps:\n  - wiat: 5 s\n';
