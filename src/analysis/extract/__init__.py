"""Find every figure a cleaned report states and say what it measures.

The text is read sentence by sentence. Every number + unit is a quantity; a
percentage right after a growth verb (增长, 下降 …) is a year-on-year change and
is attached to the figure it qualifies; every other quantity is a figure. A
figure's indicator phrase is the text between it and the previous quantity or
clause mark; a phrase too bare to name an indicator (``授权988件``, ``总数达1347家``,
``占GDP比重2.84%``) borrows the head of the figure before it, and ``A、B分别达到x、y``
pairs items with values. Section headings and cue words decide year, period and
kind (actual / estimate / target). All cue words are data (``data/cues.csv``).

Matching runs on a simplified-character shadow of the text with the same length,
so a report in traditional characters maps the same way and offsets stay valid.
Modules: ``cues`` (cue words, marks), ``periods`` (period and year cues in a
sentence), ``figures`` (sentences, mentions, phrases, growth, the figure rows). The
summary / plan / span parts are the prepared document's (``text.sections``, read by
metadata too).
"""

from ..text.script import simplified_shadow
from ..text.sections import Section, find_sections
from .figures import extract_figures, find_figures

__all__ = ["Section", "extract_figures", "find_figures", "find_sections", "simplified_shadow"]
