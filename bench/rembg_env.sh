# Sourced by bench/rembg_bench.sh and bench/serve_bench.sh: the reference side's own Python environment,
# bench/.venv-rembg, (re)built from bench/reference/requirements-rembg.txt when that file changes.
# Sets VENV and VPY; needs ROOT and PYTHON, and a log function.
VENV="$ROOT/bench/.venv-rembg"
REQUIREMENTS="$ROOT/bench/reference/requirements-rembg.txt"
stamp="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)"
if [[ "$(cat "$VENV/.requirements.sha256" 2>/dev/null)" != "$stamp" ]]; then
  log "installing $REQUIREMENTS into $VENV"
  [[ -x "$VENV/bin/python" ]] || "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install -q -r "$REQUIREMENTS"
  echo "$stamp" > "$VENV/.requirements.sha256"
fi
VPY="$VENV/bin/python"
