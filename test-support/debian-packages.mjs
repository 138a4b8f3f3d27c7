// Before `npm test`: the conformance and notebook tests drive the kernel with Debian's Jupyter pieces
// (under /usr/bin/python3). When they are missing, install them where we may (root with apt-get), else
// say the one command that does.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const PYTHON = '/usr/bin/python3';
const MODULES = ['jupyter_client', 'jupyter_kernel_test', 'nbclient', 'nbconvert'];
const PACKAGES = ['python3-jupyter-client', 'python3-jupyter-kernel-test', 'python3-nbclient', 'python3-nbconvert', 'python3-ipykernel'];

const present = () => existsSync(PYTHON) && spawnSync(PYTHON, ['-c', `import ${MODULES.join(', ')}`], { stdio: 'ignore' }).status === 0;

if (!present()) {
  const install = `apt-get install -y --no-install-recommends ${PACKAGES.join(' ')}`;
  if (process.getuid?.() !== 0 || spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status !== 0) {
    console.error(`npm test needs Debian's Jupyter packages for the conformance tests; install them with:\n  sudo apt-get update && sudo ${install}`);
    process.exit(1);
  }
  console.error(`Installing Debian's Jupyter packages for the conformance tests: ${PACKAGES.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const command of ['apt-get update -qq', `${install} -qq`]) {
    const [file, ...args] = command.split(' ');
    if (spawnSync(file, args, { stdio: ['ignore', 'ignore', 'inherit'], env }).status !== 0) {
      console.error(`\`${command}\` failed; run it by hand, then npm test again`);
      process.exit(1);
    }
  }
  if (!present()) {
    console.error(`${PYTHON} still cannot import ${MODULES.join(', ')} after installing ${PACKAGES.join(' ')}`);
    process.exit(1);
  }
}
