# Set-up and entry points. `make demo` and `make test` work on a fresh clone with Python >= 3.11.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DEMO_OUT ?= paper-output

.PHONY: demo test test-all lint bench clean venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

venv: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

demo: venv
	$(BIN)/tisot transport --units si --energy 100 --delta-sd 30 --mz 0.7071 --alpha 0.02
	$(BIN)/tisot paper --out $(DEMO_OUT)
	$(BIN)/tisot sweep examples/configs/macrospin_resonance.toml --out $(DEMO_OUT)/macrospin_resonance.nc
	$(BIN)/tisot device examples/devices/bi2se3_eus.toml
	$(BIN)/tisot spectrum examples/devices/bi2se3_eus.toml --field-mt 100:130:121 --frequency-ghz 10 \
		--format csv --plot $(DEMO_OUT)/device_spectrum.png > $(DEMO_OUT)/device_spectrum.csv
	@echo "paper reproduced: $(DEMO_OUT)/report.md; a device spectrum: $(DEMO_OUT)/device_spectrum.png"

test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python -m ruff check .
	$(BIN)/python -m pytest -q

test-all: test
	$(BIN)/python -m pytest -q -m slow

lint: $(BIN)/python
	$(BIN)/python -m ruff check .
	$(BIN)/python -m ruff format --check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis $(DEMO_OUT)
