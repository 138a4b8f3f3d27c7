// Entry point: load the prebuilt (federated) labextensions the server lists in page_config, let
// them join the shared-module scope, then start the app.
function pageConfig() {
  const el = document.getElementById('jupyter-config-data');
  return el ? JSON.parse(el.textContent || '{}') : {};
}
const config = pageConfig();
// eslint-disable-next-line no-undef
__webpack_public_path__ = (config.fullStaticUrl || '') + '/';

function loadScript(url) {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.onerror = () => reject(new Error(`failed to load ${url}`));
    script.onload = resolve;
    script.async = true;
    document.head.appendChild(script);
    script.src = url;
  });
}

async function loadFederated(ext) {
  await loadScript(`${config.fullLabextensionsUrl}/${ext.name}/${ext.load}`);
  // eslint-disable-next-line no-undef
  await __webpack_init_sharing__('default');
  const container = window._JUPYTERLAB[ext.name];
  // eslint-disable-next-line no-undef
  await container.init(__webpack_share_scopes__.default);
}

void (async () => {
  const results = await Promise.allSettled((config.federated_extensions || []).map(loadFederated));
  results.filter(r => r.status === 'rejected').forEach(r => console.error(r.reason));
  const { main } = await import('./main');
  if (document.readyState === 'complete') {
    void main();
  } else {
    window.addEventListener('load', () => void main());
  }
})();
