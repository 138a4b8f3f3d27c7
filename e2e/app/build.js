// Builds the host JupyterLab app with rspack and a Module Federation share scope that prebuilt
// labextensions can join (the same scheme as JupyterLab's staging build).
const fs = require('fs');
const path = require('path');
const rspack = require('@rspack/core');
const baseConfig = require('@jupyter/builder/lib/webpack.config.base');
const { Build } = require('@jupyter/builder');
const pkg = require('./package.json');

const core = JSON.parse(fs.readFileSync(require.resolve('@jupyterlab/core-meta/core.package.json'), 'utf8'));
const outDir = path.resolve(__dirname, 'build');
fs.rmSync(outDir, { recursive: true, force: true });
const extNames = [...pkg.jupyterlab.extensions, ...Object.keys(pkg.jupyterlab.mimeExtensions)];
// Copies schemas/ and themes/ and writes build/style.js.
const themeConfigs = Build.ensureAssets({ packageNames: extNames, output: outDir });

const installedVersion = name => {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
};
const shared = {};
for (const [name, range] of Object.entries(core.resolutions)) {
  if (installedVersion(name)) shared[name] = { requiredVersion: range };
}
for (const name of extNames) shared[name] = shared[name] || { requiredVersion: installedVersion(name) };
for (const name of core.jupyterlab.singletonPackages) {
  if (shared[name]) shared[name].singleton = true;
}

const mode = process.env.BUILD_MODE || 'development';
const config = {
  ...baseConfig,
  mode,
  devtool: false,
  entry: { main: './src/bootstrap.js' },
  output: {
    ...baseConfig.output,
    path: outDir,
    publicPath: 'auto',
    filename: '[name].js',
    chunkFilename: '[name].[contenthash].js'
  },
  plugins: [
    ...baseConfig.plugins,
    new rspack.container.ModuleFederationPlugin({
      name: 'CORE_FEDERATION',
      library: { type: 'var', name: ['_JUPYTERLAB', 'CORE_LIBRARY_FEDERATION'] },
      shared
    })
  ]
};

const t0 = Date.now();
rspack([config, ...themeConfigs]).run((err, stats) => {
  if (err) {
    console.error(err);
    process.exit(1);
  }
  const info = stats.toJson({ all: false, errors: true, warnings: true });
  if (stats.hasErrors()) {
    console.error(JSON.stringify(info.errors.slice(0, 5), null, 1));
    process.exit(2);
  }
  console.log(`built the host app (${mode}) in ${((Date.now() - t0) / 1000).toFixed(1)}s, warnings: ${info.warnings.length}`);
  fs.copyFileSync('package.json', path.join(outDir, 'package.json'));
});
