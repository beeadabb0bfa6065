"""The dashboard's web app (Flask, the `web` extra): pages and JSON endpoints over `views`, and the
buttons' POST endpoints over `jobs`, refused unless the server allows actions and the form carries the
session's CSRF token. Only this module and `scaffold serve` import the web framework."""

from __future__ import annotations

import hmac
import logging
import secrets
from typing import TYPE_CHECKING, Any

from flask import Flask, Response, abort, current_app, jsonify, redirect, request, session

from scaffolder.errors import ScaffoldError
from scaffolder.web import jobs as actions
from scaffolder.web import pages, views

if TYPE_CHECKING:
    from werkzeug.wrappers import Response as BaseResponse

    from scaffolder.config import Settings

log = logging.getLogger("scaffolder.web.actions")


def who() -> str:
    """Who pressed a button: the auth proxy's user header when there is one, else the client address."""
    for header in ("X-Forwarded-User", "X-Forwarded-Email", "X-Auth-Request-User", "Remote-User"):
        if request.headers.get(header):
            return f"{request.headers[header]} ({request.remote_addr})"
    return str(request.remote_addr or "?")


def create_app(settings: Settings, *, allow_actions: bool = False) -> Flask:
    """The dashboard for `settings` (its forge, catalog and libraries); buttons only with `allow_actions`."""
    app = Flask("scaffolder.web", static_folder="static", static_url_path="/static")
    app.config.update(
        SECRET_KEY=secrets.token_bytes(32),  # per server start: sessions (and CSRF tokens) end with it
        SESSION_COOKIE_NAME="scaffold_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SCAFFOLD_ACTIONS=allow_actions,
    )
    work = actions.Jobs(settings)
    reruns = actions.Reruns(settings)
    app.extensions["scaffold.reruns"] = reruns
    _register_errors(app)
    _register_pages(app, settings, work, reruns)
    register_api(app, settings, work)
    _register_actions(app, settings, work, reruns)
    return app


def _actions_allowed() -> bool:
    return bool(current_app.config["SCAFFOLD_ACTIONS"])


def _csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return str(session["csrf"])


def _page(name: str, **context: Any) -> Response:
    """A page, with the buttons and the session's CSRF token when actions are allowed."""
    allowed = _actions_allowed()
    context.setdefault("flash", session.pop("flash", None))
    html = pages.render(name, actions=allowed, csrf=_csrf_token() if allowed else "", **context)
    return Response(html, mimetype="text/html")


def _guard() -> None:
    """Refuse an action unless allowed and the form's CSRF token is the session's."""
    if not _actions_allowed():
        log.warning("%s: refused %s (actions are off)", who(), request.path)
        abort(403, "actions are off: start the server with `scaffold serve --allow-actions`")
    given, expected = request.form.get("csrf", ""), session.get("csrf", "")
    if not expected or not hmac.compare_digest(str(given), str(expected)):
        log.warning("%s: refused %s (bad CSRF token)", who(), request.path)
        abort(403, "missing or stale CSRF token: reload the page and try again")


def _fail(code: int, message: str) -> tuple[Response, int]:
    if _wants_json():
        return jsonify({"error": message}), code
    html = pages.render("error.html", actions=_actions_allowed(), title=f"Error {code}", message=message)
    return Response(html, mimetype="text/html"), code


def _register_errors(app: Flask) -> None:
    @app.errorhandler(ScaffoldError)
    def scaffold_error(exc: ScaffoldError) -> tuple[Response, int]:
        code = 404 if exc.message.startswith(("no repo", "no golden path")) else 400
        return _fail(code, exc.render())

    @app.errorhandler(403)
    @app.errorhandler(404)
    def http_error(exc: Any) -> tuple[Response, int]:
        return _fail(int(exc.code), str(exc.description))


def _register_pages(app: Flask, settings: Settings, work: actions.Jobs, reruns: actions.Reruns) -> None:
    @app.get("/")
    def index() -> Response:
        from scaffolder import config

        return _page("index.html", paths=views.golden_paths(settings, config.open_forge(settings)))

    @app.get("/paths/<name>")
    def fleet_page(name: str) -> Response:
        fleet = views.fleet(settings, name)
        return _page("fleet.html", **pages.fleet_context(fleet, request.args.to_dict()))

    @app.get("/paths/<name>/repos/<owner>/<repo>")
    def repo_page(name: str, owner: str, repo: str) -> Response:
        view = views.repo_view(settings, name, f"{owner}/{repo}")
        checks = reruns.allowed(view) if _actions_allowed() else actions.Allowed(False)
        return _page("repo.html", view=view, merge=actions.merge_allowed(view), checks=checks)

    @app.get("/jobs/<job_id>")
    def job_page(job_id: str) -> Response:
        job = work.get(job_id)
        if job is None:
            abort(404, f"no job {job_id} on this server")
        return _page("job.html", job=job)


def _register_actions(app: Flask, settings: Settings, work: actions.Jobs, reruns: actions.Reruns) -> None:
    @app.post("/paths/<name>/migrate")
    def migrate(name: str) -> BaseResponse:
        _guard()
        repo = request.form.get("repo", "").strip()
        job = work.start(name, (repo,) if repo else (), who())
        if _wants_json():
            return jsonify({"job": job.id, "url": f"/jobs/{job.id}"})
        return redirect(f"/jobs/{job.id}", code=303)

    @app.post("/paths/<name>/repos/<owner>/<repo>/merge")
    def merge(name: str, owner: str, repo: str) -> BaseResponse:
        _guard()
        view = views.repo_view(settings, name, f"{owner}/{repo}", with_preview=False)
        verdict = actions.merge_allowed(view)
        number = int(request.form.get("number") or 0)
        if view.pr is not None and view.pr["state"] == "merged" and view.pr["number"] == number:
            session["flash"] = f"{owner}/{repo}#{number} is already merged"
        elif not verdict.allowed:
            log.warning("%s: refused merge %s/%s#%d: %s", who(), owner, repo, number, verdict.reason)
            abort(403, f"not merged: {verdict.reason}")
        else:
            sha = request.form.get("sha") or None
            session["flash"] = actions.merge(settings, name, f"{owner}/{repo}", number, sha, who())
        return redirect(f"/paths/{name}/repos/{owner}/{repo}", code=303)

    @app.post("/paths/<name>/repos/<owner>/<repo>/checks")
    def checks(name: str, owner: str, repo: str) -> BaseResponse:
        _guard()
        number = int(request.form.get("number") or 0)
        session["flash"] = reruns.start(name, f"{owner}/{repo}", number, who())
        return redirect(f"/paths/{name}/repos/{owner}/{repo}", code=303)


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def register_api(app: Flask, settings: Settings, work: actions.Jobs) -> None:
    """JSON endpoints: the same keys as the CLI's `--output json` where the CLI has the command."""

    @app.get("/api/golden-paths")
    def api_paths() -> Response:  # `scaffold list -o json`, plus versions and adoption
        from dataclasses import asdict

        from scaffolder import config

        return jsonify([asdict(p) for p in views.golden_paths(settings, config.open_forge(settings))])

    @app.get("/api/paths/<name>/versions")
    def api_versions(name: str) -> Response:  # `scaffold versions NAME -o json`
        return jsonify(views.releases(settings, name))

    @app.get("/api/paths/<name>/status")
    def api_status(name: str) -> Response:  # `scaffold migrate status NAME -o json`
        return jsonify(views.fleet(settings, name).status.to_json())

    @app.get("/api/paths/<name>/fleet")
    def api_fleet(name: str) -> Response:
        fleet = views.fleet(settings, name)
        data = fleet.to_json()
        data["rows"] = [r.to_json() for r in views.select(fleet.rows, request.args.to_dict())]
        return jsonify(data)

    @app.get("/api/paths/<name>/repos/<owner>/<repo>")
    def api_repo(name: str, owner: str, repo: str) -> Response:
        preview = request.args.get("preview", "1") != "0"
        return jsonify(views.repo_view(settings, name, f"{owner}/{repo}", with_preview=preview).to_json())

    @app.get("/api/jobs/<job_id>")
    def api_job(job_id: str) -> Response:
        job = work.get(job_id)
        if job is None:
            abort(404, f"no job {job_id} on this server")
        return jsonify(job.to_json())
