"""The per-file merge rules and `git merge-file` underneath them."""

from __future__ import annotations

import pytest

from scaffolder import git
from scaffolder.merge import OTHER, Decision, FileState, Labels, LinkState, Ours, State, decide, merge_text

BASE = b"one\ntwo\nthree\nfour\nfive\nsix\nseven\n"
USER = BASE.replace(b"one", b"ONE (user)")
TEMPLATE = BASE.replace(b"seven", b"SEVEN (template)")
CLASH = BASE.replace(b"four", b"FOUR (template)")
USER_CLASH = BASE.replace(b"four", b"FOUR (user)")


def f(data: bytes, executable: bool = False) -> FileState:
    return FileState(data, executable)


def test_git_merge_file_merges_clean_edits_and_counts_conflicts() -> None:
    merged, conflicts = git.merge_file(USER, BASE, TEMPLATE)
    assert conflicts == 0
    assert merged == BASE.replace(b"one", b"ONE (user)").replace(b"seven", b"SEVEN (template)")
    merged, conflicts = git.merge_file(USER_CLASH, BASE, CLASH, ("yours", "old", "new"))
    assert conflicts == 1
    assert b"<<<<<<< yours\nFOUR (user)\n=======\nFOUR (template)\n>>>>>>> new\n" in merged
    merged, _ = git.merge_file(USER_CLASH, BASE, CLASH, ("yours", "old", "new"), style="diff3")
    assert b"||||||| old\nfour\n=======\n" in merged


def test_merge_text_skips_git_when_one_side_is_unchanged() -> None:
    assert merge_text(BASE, BASE, TEMPLATE) == (TEMPLATE, False)
    assert merge_text(BASE, USER, BASE) == (USER, False)
    assert merge_text(BASE, USER, USER) == (USER, False)


@pytest.mark.parametrize(
    ("base", "ours", "theirs", "required", "expected"),
    [
        # the template did not change it
        (f(BASE), f(USER), f(BASE), False, Decision("keep")),
        (f(BASE), None, f(BASE), False, Decision("keep")),
        (f(BASE), None, f(BASE), True, Decision("write", f(BASE))),
        # the user did not change it
        (f(BASE), f(BASE), f(TEMPLATE), False, Decision("write", f(TEMPLATE))),
        (f(BASE), f(BASE), None, False, Decision("delete")),
        # both changed
        (f(BASE), f(USER), f(USER), False, Decision("keep")),
        (f(BASE), f(USER), None, False, Decision("keep", conflict=True, kind="delete/modify")),
        (f(BASE), None, f(TEMPLATE), False, Decision("keep", conflict=True, kept_deleted=True, kind="modify/delete")),
        (f(BASE), None, f(TEMPLATE), True, Decision("write", f(TEMPLATE))),
        (f(BASE), None, None, False, Decision("keep")),
        (None, None, f(TEMPLATE), False, Decision("write", f(TEMPLATE))),
        (None, f(TEMPLATE), f(TEMPLATE), False, Decision("keep")),
        (f(BASE), OTHER, f(TEMPLATE), False, Decision("keep", conflict=True, kind="blocked")),
        (f(BASE), OTHER, f(BASE), False, Decision("keep")),
        # binary files are never merged
        (f(b"\0a"), f(b"\0b"), f(b"\0c"), False, Decision("keep", conflict=True, kind="binary")),
        (f(b"\0a"), f(b"\0a"), f(b"\0c"), False, Decision("write", f(b"\0c"))),
    ],
)
def test_rules(
    base: FileState | None, ours: FileState | None, theirs: FileState | None, required: bool, expected: Decision
) -> None:
    assert decide(base, ours, theirs, required=required) == expected


def test_both_changed_merges_cleanly_or_with_markers() -> None:
    clean = decide(f(BASE), f(USER), f(TEMPLATE))
    assert clean.action == "write" and not clean.conflict and clean.result is not None
    assert b"ONE (user)" in clean.result.data and b"SEVEN (template)" in clean.result.data
    clash = decide(f(BASE), f(USER_CLASH), f(CLASH), labels=Labels("yours", "t 1.0.0", "t 2.0.0"))
    assert clash.action == "write" and clash.conflict and clash.markers and clash.result is not None
    assert b"<<<<<<< yours\n" in clash.result.data and b">>>>>>> t 2.0.0\n" in clash.result.data


def test_an_addition_on_both_sides_merges_against_an_empty_base() -> None:
    decision = decide(None, f(b"mine\n"), f(b"theirs\n"))
    assert decision.conflict and decision.result is not None
    assert decision.kind == "add/add"
    # diff3 style by default: the (empty) base between ||||||| and =======
    assert (
        decision.result.data
        == b"<<<<<<< yours\nmine\n||||||| template (old)\n=======\ntheirs\n>>>>>>> template (new)\n"
    )
    plain = decide(None, f(b"mine\n"), f(b"theirs\n"), labels=Labels(style="merge"))
    assert plain.result is not None
    assert plain.result.data == b"<<<<<<< yours\nmine\n=======\ntheirs\n>>>>>>> template (new)\n"


def test_the_executable_bit_merges_three_ways() -> None:
    # the template made it executable, the user did not touch the mode
    assert decide(f(BASE), f(BASE), f(BASE, True)) == Decision("write", f(BASE, True))
    # the user made it executable, the template changed the content
    assert decide(f(BASE), f(BASE, True), f(TEMPLATE)) == Decision("write", f(TEMPLATE, True))
    # the user removed the bit the template keeps
    assert decide(f(BASE, True), f(USER), f(TEMPLATE, True)).result == f(merge_text(BASE, USER, TEMPLATE)[0], False)


A, B, C = LinkState("a.md"), LinkState("b.md"), LinkState("c.md")


@pytest.mark.parametrize(
    ("base", "ours", "theirs", "expected"),
    [
        (A, A, A, Decision("keep")),  # unchanged
        (A, C, A, Decision("keep")),  # the user retargeted it; the template did not
        (A, f(BASE), A, Decision("keep")),  # the user replaced it by a file; the template did not change it
        (A, A, B, Decision("write", B)),  # the template retargeted it
        (A, A, f(TEMPLATE), Decision("write", f(TEMPLATE))),  # the template turned it into a file
        (f(BASE), f(BASE), B, Decision("write", B)),  # ... or a file into a link
        (A, C, B, Decision("keep", conflict=True, kind="symlink")),  # both retargeted it
        (A, f(USER), B, Decision("keep", conflict=True, kind="symlink")),  # the user's file against the template's link
        (f(BASE), A, f(TEMPLATE), Decision("keep", conflict=True, kind="symlink")),  # the user's link, a file
        (f(BASE), f(USER), B, Decision("keep", conflict=True, kind="symlink")),
        (A, B, B, Decision("keep")),  # both made the same change
        (None, None, B, Decision("write", B)),  # added
        (A, A, None, Decision("delete")),  # removed
        (A, C, None, Decision("keep", conflict=True, kind="delete/modify")),  # removed, but the user retargeted it
        (A, None, B, Decision("keep", conflict=True, kept_deleted=True, kind="modify/delete")),  # the user deleted it
    ],
)
def test_a_link_is_taken_whole_never_merged(
    base: State | None, ours: Ours, theirs: State | None, expected: Decision
) -> None:
    assert decide(base, ours, theirs) == expected
