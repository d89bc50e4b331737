# The kit's commands. `make demo` and `make test` set everything up from
# scratch: a virtual environment in .venv with the pinned dependencies.

PYTHON ?= python3
VENV   := .venv
BIN    := $(CURDIR)/$(VENV)/bin
STAMP  := $(VENV)/.installed
# nbgrader runs helper programs (alembic) from PATH; the kit needs the
# instructor flag to load the reference solutions when grading
RUN    := PATH="$(BIN):$$PATH" DLKIT_INSTRUCTOR=1 $(BIN)/python
WEEK   ?= week01
N      ?= 100

.PHONY: demo test release gate sync bench bench-serve messages clean bytecode

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $(STAMP)

# The kit's own bytecode, made as pip makes an installed package's: the editable install
# gets none, and where PYTHONDONTWRITEBYTECODE is set no run writes any, so every command
# (each `grade`, each grade-notebook call) compiled the kit again: a third of a second.
# Up to date, this is a tenth of a second; a file edited since is compiled here again.
bytecode: $(STAMP)
	@$(BIN)/python -m compileall -q -j 0 autograder solutions

demo: bytecode  ## a whole course cycle in demo-course/ (WEEKS="week01 week02" for fewer weeks)
	$(RUN) -m autograder demo $(if $(WEEKS),--weeks $(WEEKS))

test: bytecode  ## the kit's own tests
	$(RUN) -m pytest -n auto --dist loadfile  # one test module per worker: their fixtures build course folders

gate: bytecode  ## the release gate for WEEK, without releasing
	$(RUN) -m autograder gate $(WEEK)

release: bytecode  ## gate, then refresh the kit's committed release/WEEK (a course folder: see README)
	$(RUN) -m autograder build-release $(WEEK)

sync: bytecode  ## rewrite WEEK's solution cells from solutions/WEEK.py
	$(RUN) -m autograder sync-solutions $(WEEK)

bench: bytecode  ## N submissions of WEEK: kit grade (--jobs 2, 1) vs plain nbgrader autograde; writes bench-course/bench.json
	$(RUN) -m autograder bench --week $(WEEK) -n $(N) --jobs 2

bench-serve: bytecode  ## dlkit serve: submit -> feedback fetchable, one at a time and a burst of N=50; writes bench-serve/serve.json
	$(RUN) -m autograder bench-serve --week $(WEEK) -n $(if $(filter 100,$(N)),50,$(N)) --jobs 2

messages: bytecode  ## bring the Korean message catalogues (autograder/locale) up to date with the code
	$(RUN) -m autograder.authoring.messages
	$(RUN) -m autograder.authoring.messages --check

clean:
	rm -rf demo-course bench-course bench-serve bench-cluster submitted autograded feedback exchange gradebook.db
