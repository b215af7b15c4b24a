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
        """The row labelled `label` of a shown DataFrame: the label, then its cells (a wide frame
        that pandas wraps shows a row in several blocks, each starting with the label)."""
        lines = self.text(cell_id).splitlines()
        found = [line.split()[1:] for line in lines if line.split()[:1] == [label]]
        assert found, f"no row {label!r} in cell {cell_id!r}:\n{self.text(cell_id)}"
        return " ".join([label] + [cell for block in found for cell in block])


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
    notebook = nbformat.read(NOTEBOOK, as_version=4)  # type: ignore[no-untyped-call]
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
            probe = nbformat.v4.new_code_cell("import sys\nprint(sys.executable)")  # type: ignore[no-untyped-call]
            notebook.cells.append(probe)
            client.execute_cell(probe, len(notebook.cells) - 1)
            notebook.cells.pop()
    interpreter = "".join(o.text for o in probe.outputs if o.output_type == "stream").strip()
    yield Ran(notebook, interpreter)
    assert not any(work.iterdir()), "the notebook left files in its working folder"


def test_the_notebook_is_committed_without_outputs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)  # type: ignore[no-untyped-call]
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code
    assert all(not cell.outputs and cell.execution_count is None for cell in code)
    assert notebook.metadata.kernelspec.name == "python3"


def test_it_runs_in_this_interpreter(ran: Ran) -> None:
    assert Path(ran.interpreter).resolve() == Path(sys.executable).resolve()


def test_belgium_reaches_the_skype_data_on_both_bases_with_their_paths(ran: Ran) -> None:
    rows = ran.flat("reach-belgium")
    assert (
        "skype-user-data-be-2012 [service_targeting, data_subject] [traffic, content] [subscriber]"
        " be-sv-art-88bis established" in rows
    )
    assert "skype-user-data-be-2012 [service_targeting] [subscriber] [traffic, content]" in rows
    explained = ran.text("explain-skype")
    service, subject = explained.split("data_subject:")
    assert service.startswith("service_targeting:")
    assert "Skype is offered in Belgium at least since 2012-09-01" in service
    assert "concerns a person in Belgium since 2012-09-01" in subject
    assert "src-judgment-antwerpen-2017-11-15" in explained


def test_on_2011_01_01_belgium_reaches_nothing_the_yahoo_rule_stands_rejected(ran: Ran) -> None:
    then = ran.text("reach-belgium-then")
    reached = then.split("reached on 2011-01-01:")[1].split("reached only")[0]
    assert "skype" not in reached and "yahoo" not in reached
    # What Belgium reaches that day, it reaches through the EU's Data Retention Directive.
    lines = then.split("unconfirmed on 2011-01-01:")[1].splitlines()
    table = [line for line in lines if line.split() and line.split()[0].isdigit()]
    laws = {line.split()[2] for line in table}
    assert laws == {"eu-directive-2006-24-data-retention", "be-sv-art-46bis"}, laws
    # Skype's offer in Belgium is evidenced from 2012-09-01 only: unconfirmed, not dropped.
    assert "unconfirmed on 2011-01-01: ['skype-user-data-be-2012']" in ran.flat(
        "reach-belgium-then"
    )
    assert "skype-user-data-be-2012" in then.split("reached only on 2018-01-01:")[1]
    assert "yahoo-mail-identification-data-be-2007" in then.split("reached only on 2018-01-01:")[1]
    yahoo = next(line for line in table if "yahoo-mail-identification-data-be-2007" in line)
    assert yahoo.split()[1:] == [
        "yahoo-mail-identification-data-be-2007",
        "be-sv-art-46bis",
        "rejected",
        "be-hvb-gent-2010-06-30-yahoo",
        "2010-06-30",
    ]


def test_before_the_acquisition_microsoft_is_no_parent(ran: Ran) -> None:
    chain = ran.text("control-chain")
    rows = [line.split() for line in chain.splitlines() if "skype-communications-sarl" in line]
    assert rows[0][-1] == "True"  # 2011: no parent
    assert rows[1][-1] == "False"  # 2012: Microsoft's
    assert "microsoft-corporation US-WA True" in ran.flat("control-chain")


def test_the_skype_rules_standing_moves_from_mechelen_to_antwerp(ran: Ran) -> None:
    for law in ("be-sv-art-88bis", "be-sv-art-90quater"):
        # the day before the Antwerp judgment, then its day
        assert ran.row("standing-belgium", law).split()[1:] == [
            "established",
            "be-corr-mechelen-2016-10-27-skype",
            "2016-10-27",
            "established",
            "be-hvb-antwerpen-2017-11-15-skype",
            "2017-11-15",
        ]
    for law in ("be-sv-art-46bis", "coe-budapest-convention"):
        cells = ran.row("standing-belgium", law).split()[1:]
        assert len(cells) == 6 and cells[:3] == cells[3:], cells  # the same on both days
    assert ran.row("standing-belgium", "coe-budapest-convention").split()[1] == "enacted"


def test_the_us_reaches_the_dublin_mailbox_again_after_the_cloud_act(ran: Ran) -> None:
    dublin = ran.row("reach-us", "outlook-mailbox-dublin-2013").split()
    cells = " ".join(dublin[1:])
    # 2015 (S.D.N.Y. reading), 2016-07-15 (Second Circuit: no), 2018-03-22 (E.D. Pa.), CLOUD Act
    assert cells == "control § 2703 — control § 2703 control § 2703; control § 2713", cells
    explained = ran.text("explain-dublin")
    assert "18 U.S.C. § 2713" in explained and "incorporated in Washington" in explained
    known = ran.text("known-on")
    assert "§ 2713" not in known
    dublin_known = [" ".join(line.split()[1:]) for line in known.splitlines() if "dublin" in line]
    # still reached, but on the Pennsylvania court's reading of § 2703 (August 2017)
    assert dublin_known == [
        "outlook-mailbox-dublin-2013 [control] 18 U.S.C. § 2703 established"
        " us-edpa-2017-08-17-google"
    ]


def test_the_skype_exposure_shows_the_belgian_luxembourg_conflict_channelled(ran: Ran) -> None:
    exposure = ran.flat("exposure")
    assert "BE compels [service_targeting, data_subject] [traffic, content]" in exposure
    assert "LU blocks [territoriality] [traffic, content]" in exposure
    assert "US blocks" not in exposure  # § 2702 binds US providers, not Skype's LU company
    conflicts = ran.text("exposure-conflicts").splitlines()[1:]
    be_lu = [line.split()[1:] for line in conflicts if line.split()[1:3] == ["BE", "LU"]]
    # Luxembourg is a Budapest party from 2015-05-01: the Convention channels the conflict.
    assert be_lu == [
        ["BE", "LU", "traffic,", "content", "unless_channel", "True", "coe-budapest-convention"]
    ]
    lifted = [" ".join(line.split()) for line in conflicts]
    assert all("unless_channel True " in line for line in lifted), lifted
    assert "stored in Skype servers in Luxembourg" in ran.text("explain-luxembourg")


def test_what_ifs_change_the_answers(ran: Ran) -> None:
    sold = [line.split() for line in ran.text("whatif-sold").splitlines()[1:]]
    # every US rule turns on Microsoft's control: all of them go
    assert {(line[1], line[2]) for line in sold if line[-1] == "gone"} == {("US", "compels")}
    assert all(line[-1] == "same" for line in sold if line[1] != "US")
    assert ["US", "compels", "control", "us-cloud-act-2713-control", "us-18-usc-2713", "gone"] in [
        line[1:] for line in sold
    ]
    moved = ran.flat("whatif-moved")
    assert "lu-code-procedure-penale gone" in moved
    assert "eu-gdpr same" in moved
    assert " new" not in moved  # Ireland does not take Luxembourg's place


def test_the_dispute_story_and_the_networkx_analyses(ran: Ran) -> None:
    assert "30000.0" in ran.text("dispute-story")
    central = ran.flat("nx-centrality")
    assert "laws gb-ripa-2000" in central
    lines = ran.text("nx-centrality").splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("courts"))
    assert any(line.split()[0] == "us-18-usc-2703" for line in lines[:first])
    courts = [lines[first].split()[1]] + [line.split()[0] for line in lines[first + 1 :]]
    assert courts[:2] == ["eu-cjeu", "gb-investigatory-powers-tribunal"], courts
    components = ran.text("nx-components")
    for alone in ("nz-dotcom-v-attorney-general-warrants", "jp-homepage-system-obscenity-case"):
        assert f"[{alone}]" in components
    assert "microsoft-corporation" in ran.text("nx-path")
    assert ran.row("nx-depth", "linkedin-ireland-unlimited-company").split()[1:] == ["1", "2"]
    assert "be-cass-2019-02-19-skype" in ran.text("to-pandas")


def test_the_drawing_is_shown_inline(ran: Ran) -> None:
    images = [o for o in ran.cell("draw-exposure").outputs if "image/png" in o.get("data", {})]
    assert len(images) == 1


def test_request_volumes_are_imported_and_plotted(ran: Ran) -> None:
    assert ran.text("volumes").startswith("948 rows from 19 providers, 116 countries")
    images = [o for o in ran.cell("volumes").outputs if "image/png" in o.get("data", {})]
    assert len(images) == 1
