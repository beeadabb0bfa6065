"""The corpus: upgrade scenarios written by hand, each kind of change on each side (edits near and far,
renames both ways with and without edits, deletions both ways, add/add, binaries, exec bits, CRLF, no
final newline, releases that mix them). Every expected tree was written by hand and is checked against
plain `git merge` of the three renders (`python -m upgrades_corpus --git-only`)."""

from __future__ import annotations

from collections.abc import Mapping

from upgrades_corpus.model import CONFLICTED, Conflicted, File, Scenario, Tree, edit, lines, text

APP = lines("app")
README = "# {{ name }}\n\n" + lines("readme")
SCRIPT = "#!/bin/sh\n" + lines("# run")
LOGO = bytes(range(256)) * 4
CRLF = lines("crlf", eol="\r\n")
CRLF_README = "# {{ name }}\r\n\r\n" + lines("crlf readme", eol="\r\n")
NOEOL = lines("noeol", final=False)

BASE: Tree = {"README.md": text(README), "app.txt": text(APP)}
TPL_APP = edit(APP, 2, "app line 02: changed by the template")
TEAM_APP = edit(APP, 10, "app line 10: edited by the team")
BOTH_APP = edit(TPL_APP, 10, "app line 10: edited by the team")
TPL_README = edit(README, 5, "readme line 03: changed by the template")
NEW_README = {"README.md": text(TPL_README)}  # a release that leaves app.txt alone


def tree(base: Mapping[str, File], changes: Mapping[str, File | None] | None = None) -> Tree:
    """`base` with `changes` applied (None deletes a path)."""
    out = dict(base)
    for path, f in (changes or {}).items():
        if f is None:
            out.pop(path, None)
        else:
            out[path] = f
    return out


def expect(base: Mapping[str, File], changes: Mapping[str, File | Conflicted | None]) -> dict[str, File | Conflicted]:
    out: dict[str, File | Conflicted] = dict(base)
    for path, f in changes.items():
        if f is None:
            out.pop(path, None)
        else:
            out[path] = f
    return out


def logo(at: int, value: int) -> File:
    data = bytearray(LOGO)
    data[at] = value
    return File(bytes(data))


def _edits() -> list[Scenario]:
    v2 = tree(BASE, {"app.txt": text(TPL_APP)})
    return [
        Scenario(
            "edit-far",
            "template and team edit lines far apart",
            BASE,
            v2,
            {"app.txt": text(TEAM_APP)},
            expect(v2, {"app.txt": text(BOTH_APP)}),
        ),
        Scenario(
            "edit-near",
            "template and team edit adjacent lines",
            BASE,
            v2,
            {"app.txt": text(edit(APP, 3, "app line 03: edited by the team"))},
            expect(v2, {"app.txt": CONFLICTED}),
            {"app.txt": "content"},
            "adjacent changes conflict in git's merge as in diff3",
        ),
        Scenario(
            "edit-same-line",
            "template and team change the same line differently",
            BASE,
            v2,
            {"app.txt": text(edit(APP, 2, "app line 02: the team's version"))},
            expect(v2, {"app.txt": CONFLICTED}),
            {"app.txt": "content"},
        ),
        Scenario(
            "edit-same-change", "template and team make the same change", BASE, v2, {"app.txt": text(TPL_APP)}, v2
        ),
        Scenario("edit-template-only", "template edits a file the team left alone", BASE, v2, {}, v2),
        Scenario(
            "edit-team-only",
            "team edits a file the template left alone",
            BASE,
            tree(BASE, NEW_README),
            {"app.txt": text(TEAM_APP)},
            expect(tree(BASE, NEW_README), {"app.txt": text(TEAM_APP)}),
        ),
        Scenario(
            "edit-templated-file",
            "template edits a file with template syntax, team edits it far away",
            BASE,
            tree(BASE, NEW_README),
            {"README.md": text(edit(README, 14, "readme line 12: edited by the team"))},
            expect(BASE, {"README.md": text(edit(TPL_README, 14, "readme line 12: edited by the team"))}),
        ),
        Scenario(
            "edit-both-ends",
            "template appends a line, team edits the first line",
            BASE,
            tree(BASE, {"app.txt": text(APP + "app line 13: appended by the template\n")}),
            {"app.txt": text(edit(APP, 1, "app line 01: edited by the team"))},
            expect(
                BASE,
                {
                    "app.txt": text(
                        edit(APP, 1, "app line 01: edited by the team") + "app line 13: appended by the template\n"
                    )
                },
            ),
        ),
    ]


def _renames() -> list[Scenario]:
    moved = tree(BASE, {"app.txt": None, "src/app.txt": text(APP)})
    moved_edited = tree(BASE, {"app.txt": None, "src/app.txt": text(TPL_APP)})
    v2 = tree(BASE, {"app.txt": text(TPL_APP)})
    lib = {"lib/a.txt": text(lines("lib a")), "lib/b.txt": text(lines("lib b"))}
    pkg = {"pkg/a.txt": text(lines("lib a")), "pkg/b.txt": text(lines("lib b"))}
    lib_edit = text(edit(lines("lib a"), 8, "lib a line 08: edited by the team"))
    return [
        Scenario("rename-template", "template renames a file the team left alone", BASE, moved, {}, moved),
        Scenario(
            "rename-template-team-edited",
            "template renames a file the team edited",
            BASE,
            moved,
            {"app.txt": text(TEAM_APP)},
            expect(moved, {"src/app.txt": text(TEAM_APP)}),
        ),
        Scenario(
            "rename-template-both-edited",
            "template renames and edits a file the team edited",
            BASE,
            moved_edited,
            {"app.txt": text(TEAM_APP)},
            expect(moved, {"src/app.txt": text(BOTH_APP)}),
        ),
        Scenario(
            "rename-template-folder",
            "template moves a folder, team edited a file in it",
            tree(BASE, lib),
            tree(BASE, pkg),
            {"lib/a.txt": lib_edit},
            tree(BASE, {**pkg, "pkg/a.txt": lib_edit}),
        ),
        Scenario(
            "rename-team",
            "team renames a file the template then edits",
            BASE,
            v2,
            {"app.txt": None, "main.txt": text(APP)},
            expect(BASE, {"app.txt": None, "main.txt": text(TPL_APP)}),
        ),
        Scenario(
            "rename-team-edited",
            "team renames and edits a file the template then edits",
            BASE,
            v2,
            {"app.txt": None, "main.txt": text(TEAM_APP)},
            expect(BASE, {"app.txt": None, "main.txt": text(BOTH_APP)}),
        ),
        Scenario(
            "rename-team-untouched",
            "team renames a file the template leaves alone",
            BASE,
            tree(BASE, NEW_README),
            {"app.txt": None, "main.txt": text(TEAM_APP)},
            expect(tree(BASE, NEW_README), {"app.txt": None, "main.txt": text(TEAM_APP)}),
        ),
        Scenario(
            "rename-both-same",
            "template and team rename a file to the same path, both edit it",
            BASE,
            moved_edited,
            {"app.txt": None, "src/app.txt": text(TEAM_APP)},
            expect(moved, {"src/app.txt": text(BOTH_APP)}),
        ),
        Scenario(
            "rename-rename",
            "template and team rename a file to different paths",
            BASE,
            moved_edited,
            {"app.txt": None, "main.txt": text(TEAM_APP)},
            expect(BASE, {"app.txt": None, "main.txt": text(BOTH_APP), "src/app.txt": text(BOTH_APP)}),
            {"main.txt": "rename/rename", "src/app.txt": "rename/rename"},
            "as git: the merged content at both paths, both needing a human",
        ),
    ]


def _deletions_and_adds() -> list[Scenario]:
    edited = tree(BASE, {"app.txt": text(TPL_APP)})
    gone = tree(BASE, {"app.txt": None})
    guide = {"docs/guide.md": text("# Guide for {{ name }}\n\n" + lines("guide"))}
    team_guide = text("# Our guide\n\n" + lines("our guide"))
    return [
        Scenario(
            "delete-team",
            "team deletes a file the template leaves alone",
            BASE,
            tree(BASE, NEW_README),
            {"app.txt": None},
            tree(gone, NEW_README),
        ),
        Scenario(
            "delete-team-template-edits",
            "team deletes a file the template edits",
            BASE,
            edited,
            {"app.txt": None},
            gone,
            {"app.txt": "modify/delete"},
            "left deleted (the team's choice) but said loudly; git leaves the template's file",
        ),
        Scenario("delete-template", "template deletes a file the team left alone", BASE, gone, {}, gone),
        Scenario(
            "delete-template-team-edited",
            "template deletes a file the team edited",
            BASE,
            gone,
            {"app.txt": text(TEAM_APP)},
            tree(BASE, {"app.txt": text(TEAM_APP)}),
            {"app.txt": "delete/modify"},
        ),
        Scenario("delete-both", "template and team delete the same file", BASE, gone, {"app.txt": None}, gone),
        Scenario("add-template", "template adds a file", BASE, tree(BASE, guide), {}, tree(BASE, guide)),
        Scenario(
            "add-add-same",
            "template and team add the same file",
            BASE,
            tree(BASE, guide),
            {"docs/guide.md": text("# Guide for demo\n\n" + lines("guide"))},
            tree(BASE, guide),
        ),
        Scenario(
            "add-add-different",
            "template and team add different files at one path",
            BASE,
            tree(BASE, guide),
            {"docs/guide.md": team_guide},
            expect(BASE, {"docs/guide.md": CONFLICTED}),
            {"docs/guide.md": "add/add"},
        ),
        Scenario(
            "add-team",
            "team adds a file of its own",
            BASE,
            tree(BASE, NEW_README),
            {"notes.txt": text(lines("notes"))},
            tree(BASE, {**NEW_README, "notes.txt": text(lines("notes"))}),
        ),
    ]


def _bytes_and_modes() -> list[Scenario]:
    base = tree(BASE, {"logo.bin": File(LOGO), "run.sh": text(SCRIPT, exec=True)})
    tpl_script = edit(SCRIPT, 3, "# run line 02: changed by the template")
    team_script = edit(SCRIPT, 11, "# run line 10: edited by the team")
    plain = tree(BASE, {"run.sh": text(SCRIPT)})
    return [
        Scenario(
            "binary-template",
            "template changes a binary file",
            base,
            tree(base, {"logo.bin": logo(9, 0)}),
            {},
            tree(base, {"logo.bin": logo(9, 0)}),
        ),
        Scenario(
            "binary-team",
            "team changes a binary file the template leaves alone",
            base,
            tree(base, NEW_README),
            {"logo.bin": logo(7, 1)},
            tree(base, {**NEW_README, "logo.bin": logo(7, 1)}),
        ),
        Scenario(
            "binary-both",
            "template and team change a binary file",
            base,
            tree(base, {"logo.bin": logo(9, 0)}),
            {"logo.bin": logo(7, 1)},
            tree(base, {"logo.bin": logo(7, 1)}),
            {"logo.bin": "binary"},
            "binaries are never merged: the team's kept",
        ),
        Scenario(
            "exec-template",
            "template makes a script executable",
            plain,
            tree(plain, {"run.sh": text(SCRIPT, True)}),
            {},
            tree(plain, {"run.sh": text(SCRIPT, True)}),
        ),
        Scenario(
            "exec-team",
            "team makes a script executable, template edits it",
            plain,
            tree(plain, {"run.sh": text(tpl_script)}),
            {"run.sh": text(SCRIPT, True)},
            tree(plain, {"run.sh": text(tpl_script, True)}),
        ),
        Scenario(
            "exec-kept",
            "both edit an executable script far apart",
            base,
            tree(base, {"run.sh": text(tpl_script, True)}),
            {"run.sh": text(team_script, True)},
            tree(base, {"run.sh": text(edit(tpl_script, 11, "# run line 10: edited by the team"), True)}),
        ),
    ]


def _line_endings() -> list[Scenario]:
    # one kind of file per scenario, so a tool's trouble with one kind does not fail the others
    crlf = tree(BASE, {"win.txt": text(CRLF)})
    crlf_md = tree(BASE, {"WIN.md": text(CRLF_README)})
    noeol = tree(BASE, {"tail.txt": text(NOEOL)})
    tpl_crlf = edit(CRLF, 2, "crlf line 02: changed by the template", "\r\n")
    team_crlf = edit(CRLF, 10, "crlf line 10: edited by the team", "\r\n")
    both_crlf = edit(tpl_crlf, 10, "crlf line 10: edited by the team", "\r\n")
    tpl_readme = edit(CRLF_README, 5, "crlf readme line 03: changed by the template", "\r\n")
    tpl_tail = edit(NOEOL, 2, "noeol line 02: changed by the template")
    team_last = edit(NOEOL, 12, "noeol line 12: edited by the team, still no final newline")
    return [
        Scenario(
            "crlf-edit-far",
            "CRLF file: template and team edit lines far apart",
            crlf,
            tree(crlf, {"win.txt": text(tpl_crlf)}),
            {"win.txt": text(team_crlf)},
            tree(crlf, {"win.txt": text(both_crlf)}),
        ),
        Scenario(
            "crlf-template-only",
            "CRLF file: template edits, team left it alone",
            crlf,
            tree(crlf, {"win.txt": text(tpl_crlf)}),
            {},
            tree(crlf, {"win.txt": text(tpl_crlf)}),
        ),
        Scenario(
            "crlf-templated",
            "CRLF file with template syntax: template edits it",
            crlf_md,
            tree(crlf_md, {"WIN.md": text(tpl_readme)}),
            {},
            tree(crlf_md, {"WIN.md": text(tpl_readme)}),
        ),
        Scenario(
            "crlf-team-only",
            "CRLF file the team edited, template changes another file",
            crlf,
            tree(crlf, NEW_README),
            {"win.txt": text(team_crlf)},
            tree(crlf, {**NEW_README, "win.txt": text(team_crlf)}),
        ),
        Scenario(
            "no-final-newline",
            "file without a final newline: template edits it",
            noeol,
            tree(noeol, {"tail.txt": text(tpl_tail)}),
            {},
            tree(noeol, {"tail.txt": text(tpl_tail)}),
        ),
        Scenario(
            "no-final-newline-both",
            "file without a final newline: template edits the top, team the last line",
            noeol,
            tree(noeol, {"tail.txt": text(tpl_tail)}),
            {"tail.txt": text(team_last)},
            tree(
                noeol,
                {"tail.txt": text(edit(tpl_tail, 12, "noeol line 12: edited by the team, still no final newline"))},
            ),
        ),
    ]


def _mixed() -> list[Scenario]:
    base = tree(BASE, {"old.txt": text(lines("old")), "run.sh": text(SCRIPT), "config.txt": text(lines("config"))})
    v2 = tree(
        base,
        {
            "app.txt": None,
            "src/app.txt": text(TPL_APP),
            "old.txt": None,
            "NEW.md": text("# New in {{ name }}\n"),
            "README.md": text(TPL_README),
            "run.sh": text(SCRIPT, True),
        },
    )
    team: dict[str, File | None] = {
        "app.txt": text(TEAM_APP),
        "README.md": text(edit(README, 14, "readme line 12: edited by the team")),
        "notes.txt": text(lines("notes")),
        "config.txt": None,
    }
    merged = tree(
        v2,
        {
            "src/app.txt": text(BOTH_APP),
            "notes.txt": text(lines("notes")),
            "config.txt": None,
            "README.md": text(edit(TPL_README, 14, "readme line 12: edited by the team")),
        },
    )
    conflict_team = {**team, "README.md": text(edit(README, 5, "readme line 03: the team's version"))}
    return [
        Scenario(
            "mixed-release", "a release that renames, edits, deletes, adds and sets an exec bit", base, v2, team, merged
        ),
        Scenario(
            "mixed-release-conflict",
            "the same release with one conflicting edit among clean ones",
            base,
            v2,
            conflict_team,
            expect(merged, {"README.md": CONFLICTED}),
            {"README.md": "content"},
        ),
    ]


SCENARIOS: list[Scenario] = [
    *_edits(),
    *_renames(),
    *_deletions_and_adds(),
    *_bytes_and_modes(),
    *_line_endings(),
    *_mixed(),
]
BY_ID = {s.id: s for s in SCENARIOS}
assert len(BY_ID) == len(SCENARIOS), "scenario ids are unique"
