"""docs/example.ipynb runs from top to bottom in a fresh kernel of this interpreter, and its
cells show what its text says they show.

The kernel is this interpreter (`sys.executable`) through a kernel spec written to a temporary
folder that JUPYTER_PATH puts first, so a `python3` kernel installed elsewhere on the machine
is never picked up; the notebook runs in a temporary working folder.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat import NotebookNode

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "docs" / "example.ipynb"
KERNEL = "reachgraph-notebook-test"
CELL_TIMEOUT = 300


class Ran:
    """The executed notebook, and what the kernel said its interpreter was."""

    def __init__(self, notebook: NotebookNode, interpreter: str) -> None:
        self.notebook = notebook
        self.interpreter = interpreter

    def cell(self, cell_id: str) -> NotebookNode:
        found = [c for c in self.notebook.cells if c.get("id") == cell_id]
        assert found, f"no cell {cell_id!r} in {NOTEBOOK.name}"
        cell: NotebookNode = found[0]
        return cell

    def text(self, cell_id: str) -> str:
        """Everything the cell printed or returned, as plain text."""
        parts = []
        for output in self.cell(cell_id).outputs:
            if output.output_type == "stream":
                parts.append(output.text)
            elif output.output_type in ("execute_result", "display_data"):
                parts.append(output.data.get("text/plain", ""))
        return "\n".join(parts)

    def flat(self, cell_id: str) -> str:
        """The cell's text with every run of spaces and line breaks as one space."""
        return " ".join(self.text(cell_id).split())

    def row(self, cell_id: str, label: str) -> str:
        """The lines of a shown DataFrame whose row label is `label` (a wide frame that pandas
        wraps shows a row in several blocks), joined."""
        lines = self.text(cell_id).splitlines()
        found = [line for line in lines if line.split()[:1] == [label]]
        assert found, f"no row {label!r} in cell {cell_id!r}:\n{self.text(cell_id)}"
        return " ".join(found)


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ran]:
    home = tmp_path_factory.mktemp("notebook")
    spec = home / "jupyter" / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "reachgraph test", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel))
    work = home / "work"
    work.mkdir()
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        notebook,
        kernel_name=KERNEL,
        timeout=CELL_TIMEOUT,
        startup_timeout=120,
        resources={"metadata": {"path": str(work)}},
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(home / "jupyter"))
        patch.setenv("JUPYTER_RUNTIME_DIR", str(home / "runtime"))
        patch.setenv("IPYTHONDIR", str(home / "ipython"))
        with client.setup_kernel():
            for index, cell in enumerate(notebook.cells):
                client.execute_cell(cell, index)  # raises CellExecutionError if a cell fails
            probe = nbformat.v4.new_code_cell("import sys\nprint(sys.executable)")
            notebook.cells.append(probe)
            client.execute_cell(probe, len(notebook.cells) - 1)
            notebook.cells.pop()
    interpreter = "".join(o.text for o in probe.outputs if o.output_type == "stream").strip()
    yield Ran(notebook, interpreter)
    assert not any(work.iterdir()), "the notebook left files in its working folder"


def test_the_notebook_is_committed_without_outputs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code
    assert all(not cell.outputs and cell.execution_count is None for cell in code)
    assert notebook.metadata.kernelspec.name == "python3"


def test_it_runs_in_this_interpreter(ran: Ran) -> None:
    assert Path(ran.interpreter).resolve() == Path(sys.executable).resolve()


def test_belgium_reaches_the_skype_data_with_its_path(ran: Ran) -> None:
    assert "skype-user-data-be-2012 service_targeting be-sv-art-88bis" in ran.flat("reach-belgium")
    explained = ran.text("explain-skype")
    assert "Skype is offered in Belgium since 2012-09-01" in explained
    assert "src-judgment-antwerpen-2017-11-15" in explained


def test_before_the_acquisition_belgium_reaches_less_and_microsoft_is_no_parent(ran: Ran) -> None:
    then = ran.text("reach-belgium-then")
    flat = ran.flat("reach-belgium-then")
    assert "reached on 2011-01-01: ['yahoo-mail-identification-data-be-2007']" in flat
    assert "skype-user-data-be-2012" in then.split("reached only on 2018-01-01:")[1]
    chain = [line.split() for line in then.splitlines() if "skype-communications-sarl" in line]
    assert chain[0][-1] == "True"  # 2011: no parent
    assert chain[1][-1] == "False"  # 2012: Microsoft's
    assert "microsoft-corporation US-WA True" in flat


def test_the_us_reaches_the_dublin_mailbox_again_after_the_cloud_act(ran: Ran) -> None:
    dublin = ran.row("reach-us", "outlook-mailbox-dublin-2013").split()
    cells = " ".join(dublin[1:])
    # 2015 (S.D.N.Y. reading), 2016-07-15 (Second Circuit: no), 2018-03-22 (E.D. Pa.), CLOUD Act
    assert cells == "control § 2703 — control § 2703 control § 2713", cells
    assert "18 U.S.C. § 2713" in ran.text("explain-dublin")
    known = ran.text("known-on")
    assert "outlook-mailbox-dublin-2013" not in known and "territoriality" in known


def test_the_skype_exposure_shows_the_unchannelled_belgian_luxembourg_conflict(ran: Ran) -> None:
    exposure = ran.flat("exposure")
    assert "BE compels service_targeting" in exposure
    assert "LU blocks territoriality" in exposure
    conflicts = ran.text("exposure-conflicts").splitlines()
    assert any(line.split()[1:] == ["BE", "LU", "none", "recorded"] for line in conflicts[1:])
    assert "stored in Skype servers in Luxembourg" in ran.text("explain-luxembourg")


def test_what_ifs_change_the_answers(ran: Ran) -> None:
    assert ran.row("whatif-sold", "1").split()[1:] == [
        "US",
        "compels",
        "control",
        "us-18-usc-2713",
        "gone",
    ]
    moved = ran.flat("whatif-moved")
    assert "lu-code-procedure-penale gone" in moved
    assert "eu-gdpr same" in moved


def test_the_dispute_story_and_the_networkx_analyses(ran: Ran) -> None:
    assert "30000.0" in ran.text("dispute-story")
    central = ran.flat("nx-centrality")
    assert "laws us-18-usc-2703" in central and "courts be-hof-van-cassatie" in central
    assert "be-skype-refusal-case" in ran.text("nx-components")
    assert "microsoft-corporation" in ran.text("nx-path")
    assert ran.row("nx-depth", "linkedin-ireland-unlimited-company").split()[1:] == ["1", "2"]
    assert "be-cass-2019-02-19-skype" in ran.text("to-pandas")


def test_the_drawing_is_shown_inline(ran: Ran) -> None:
    images = [o for o in ran.cell("draw-exposure").outputs if "image/png" in o.get("data", {})]
    assert len(images) == 1
