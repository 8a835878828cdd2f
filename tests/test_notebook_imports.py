"""Reading a notebook stays light: jsonschema's optional RFC 3987 grammar is not loaded.

Why: ``rfc3987_syntax`` (installed with jupyter-events' format extra) builds an Earley
parser when imported, 2.4 s of CPU in every kernel and process that reads a notebook;
``analysis.params`` keeps it out, and notebooks still read and validate.
"""

from __future__ import annotations

import subprocess
import sys

CODE = """
import sys
import analysis.params
import nbformat
from analysis import params
nb = params.read_notebook("yoy")
nbformat.validate(nb)
print(sys.modules.get("rfc3987_syntax", "absent"), len(nb.cells) > 3)
"""


def test_reading_a_notebook_does_not_load_the_iri_grammar():
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() in (["None", "True"], ["absent", "True"])
