// Merged into @jupyter/builder's config. The cell grammar (@flowbook/magics) is compiled into
// lib/magics/ with the extension's own sources; bundle that copy, so its `yaml` is the extension's
// and the build does not depend on the workspace's built magics/dist.
const path = require('path');

module.exports = {
  resolve: {
    alias: { '@flowbook/magics$': path.resolve(__dirname, 'lib/magics/src/index.js') }
  }
};
