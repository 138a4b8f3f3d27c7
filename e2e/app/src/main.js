// Assembles the bundled core plugins and the federated ones, and starts JupyterLab.
import { PageConfig, JupyterPluginRegistry } from '@jupyterlab/coreutils';
import { JupyterLab } from '@jupyterlab/application';
import { IConnectionStatus, IServiceManager } from '@jupyterlab/services';
import { extensions, mimeExtensions } from './plugins.gen';
import '../build/style.js';

function pluginsOf(mod) {
  const exported = Object.prototype.hasOwnProperty.call(mod, '__esModule') ? mod.default : mod;
  return Array.isArray(exported) ? exported : [exported];
}

async function federatedModule(scope, module) {
  const factory = await window._JUPYTERLAB[scope].get(module);
  return factory();
}

export async function main() {
  const federated = JSON.parse(PageConfig.getOption('federated_extensions') || '[]');
  const federatedNames = new Set(federated.map(e => e.name));
  const disabled = [];
  const deferred = [];
  const isDisabled = id => PageConfig.Extension.isDisabled(id);

  const collect = (mods, into) => {
    for (const mod of mods) {
      if (!mod) continue;
      for (const plugin of pluginsOf(mod)) {
        if (isDisabled(plugin.id)) {
          disabled.push(plugin.id);
          continue;
        }
        if (PageConfig.Extension.isDeferred(plugin.id)) deferred.push(plugin.id);
        into.push(plugin);
      }
    }
  };
  const load = async ([name, loader]) => {
    if (federatedNames.has(name)) return null; // a prebuilt copy overrides the bundled one
    try {
      return await loader();
    } catch (e) {
      console.error(`failed to load ${name}`, e);
      return null;
    }
  };

  const plugins = [];
  const mimePlugins = [];
  collect(await Promise.all(extensions.map(load)), plugins);
  collect(await Promise.all(mimeExtensions.map(load)), mimePlugins);

  window.flowbookFederated = [];
  for (const ext of federated) {
    try {
      if (ext.extension) collect([await federatedModule(ext.name, ext.extension)], plugins);
      if (ext.mimeExtension) collect([await federatedModule(ext.name, ext.mimeExtension)], mimePlugins);
      if (ext.style && !isDisabled(ext.name)) await federatedModule(ext.name, ext.style);
      window.flowbookFederated.push(ext.name);
    } catch (e) {
      console.error(`failed to load federated extension ${ext.name}`, e);
    }
  }

  const pluginRegistry = new JupyterPluginRegistry();
  pluginRegistry.registerPlugins(plugins);
  const serviceManager = await pluginRegistry.resolveRequiredService(IServiceManager);
  const connectionStatus = await pluginRegistry.resolveOptionalService(IConnectionStatus);

  const lab = new JupyterLab({
    pluginRegistry,
    serviceManager,
    connectionStatus,
    mimeExtensions: mimePlugins,
    disabled: { matches: disabled, patterns: PageConfig.Extension.disabled.map(v => v.raw) },
    deferred: { matches: deferred, patterns: PageConfig.Extension.deferred.map(v => v.raw) }
  });
  window.jupyterapp = lab; // the handle browser tests use (the name galata expects)
  await lab.start({ ignorePlugins: deferred, bubblingKeydown: true });
  await lab.restored;
  document.body.dataset.labRestored = 'true';
}
