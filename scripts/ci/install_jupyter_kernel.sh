#!/usr/bin/env bash
# Installs the Deno Jupyter kernelspec for the notebook tests (tests/e2e/notebooks_test.ts).
#
# Needs Jupyter first (Debian: jupyter-core jupyter-client jupyter-nbconvert python3-nbclient
# python3-nbformat, installed by .ci/run). Then:
#   1. `deno jupyter --install` writes ~/.local/share/jupyter/kernels/deno/kernel.json;
#   2. argv[0] is set to the absolute path of the real deno binary (Deno.execPath() of the pinned
#      Deno from npm), so the kernel starts without npx or a `deno` on PATH;
#   3. "env": {"NO_COLOR": "1"} is added, or outputs carry ANSI colour codes;
#   4. `jupyter kernelspec list` must then show the kernel.
# Idempotent: running it again rewrites the same kernelspec.
set -euo pipefail

DENO_PIN="${DENO_PIN:-deno@2.9.6}"
deno() { npx -y "$DENO_PIN" "$@"; }

if ! command -v jupyter >/dev/null; then
  echo "install_jupyter_kernel: 'jupyter' is not on PATH: apt-get install jupyter-core" \
    "jupyter-client jupyter-nbconvert python3-nbclient python3-nbformat" >&2
  exit 1
fi

deno_bin=$(deno eval 'console.log(Deno.execPath())')
if [[ ! -x "$deno_bin" ]]; then
  echo "install_jupyter_kernel: Deno.execPath() gave '$deno_bin', which is not an executable" >&2
  exit 1
fi
echo "install_jupyter_kernel: deno binary $deno_bin ($("$deno_bin" --version | head -n 1))"

"$deno_bin" jupyter --install --force

spec="${HOME}/.local/share/jupyter/kernels/deno/kernel.json"
if [[ ! -f "$spec" ]]; then
  echo "install_jupyter_kernel: 'deno jupyter --install' wrote no $spec" >&2
  exit 1
fi

# Patch the kernelspec with Deno itself (no Python needed for this step).
"$deno_bin" eval --quiet '
const [path, bin] = Deno.args;
const spec = JSON.parse(await Deno.readTextFile(path));
if (!Array.isArray(spec.argv) || spec.argv.length === 0) throw new Error(`${path}: no argv`);
spec.argv[0] = bin;
spec.env = { ...(spec.env ?? {}), NO_COLOR: "1" };
await Deno.writeTextFile(path, JSON.stringify(spec, null, 2) + "\n");
' "$spec" "$deno_bin"

echo "install_jupyter_kernel: $spec"
cat "$spec"
specs=$(jupyter kernelspec list 2>/dev/null)
if ! grep -qE '^\s*deno\s' <<<"$specs"; then
  echo "install_jupyter_kernel: 'jupyter kernelspec list' does not show the deno kernel" >&2
  exit 1
fi
echo "install_jupyter_kernel: ok"
