// Loaded into Stryker's processes (npm run test:mutation): Stryker's mocha runner 9.x requires
// mocha's cli internals without an extension, and mocha 12 names them .cjs. Resolves those
// requests to the .cjs files; remove once the runner finds them itself.
const Module = require('node:module');

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  try {
    return resolve.call(this, request, ...rest);
  } catch (error) {
    if (/[\\/]mocha[\\/]lib[\\/]cli[\\/][\w-]+$/.test(request)) return resolve.call(this, `${request}.cjs`, ...rest);
    throw error;
  }
};
