"""Serve the npm-built JupyterLab 4 host app (e2e/app) with Debian's jupyterlab_server and
jupyter_server, without the Python `jupyterlab` package.

Environment: FLOWBOOK_LAB_APP (the app folder: build/, templates/, settings/), FLOWBOOK_LABEXTENSIONS
(a folder of prebuilt labextensions, <name>/package.json + static/), FLOWBOOK_LAB_STATE (user
settings and workspaces).
"""
import json
import os

from jupyter_server.base.handlers import APIHandler
from jupyterlab_server import LabServerApp
from tornado import web, websocket

APP_DIR = os.environ.get("FLOWBOOK_LAB_APP", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "app"))
BUILD = os.path.join(APP_DIR, "build")
STATE = os.environ.get("FLOWBOOK_LAB_STATE", "lab-state")

with open(os.path.join(APP_DIR, "package.json")) as f:
    VERSION = json.load(f)["version"]


class MeHandler(APIHandler):
    """jupyter_server 2's /api/me, missing from 1.23; without it JupyterLab's user manager never gets ready."""

    @web.authenticated
    def get(self):
        self.finish(json.dumps({
            "identity": {"username": "e2e", "name": "E2E", "display_name": "E2E",
                         "initials": "E", "avatar_url": None, "color": None},
            "permissions": {},
        }))


class EventsHandler(websocket.WebSocketHandler):
    """jupyter_server 2's /api/events/subscribe: accept and stay silent, so the frontend stops retrying."""

    def on_message(self, message):
        pass


class FlowbookLabApp(LabServerApp):
    name = __name__  # launch_instance() finds the app among this module's extension points
    extension_url = "/lab"
    default_url = "/lab"
    app_url = "/lab"
    load_other_extensions = False
    open_browser = False
    app_name = "JupyterLab (Flowbook e2e)"
    app_version = VERSION
    app_settings_dir = os.path.join(APP_DIR, "settings")
    schemas_dir = os.path.join(BUILD, "schemas")
    themes_dir = os.path.join(BUILD, "themes")
    static_dir = BUILD
    templates_dir = os.path.join(APP_DIR, "templates")
    user_settings_dir = os.path.join(STATE, "user_settings")
    workspaces_dir = os.path.join(STATE, "workspaces")

    def initialize_settings(self):
        super().initialize_settings()
        labextensions = os.environ.get("FLOWBOOK_LABEXTENSIONS")
        if labextensions:
            # Only the extensions under test: not ~/.local/share or /usr/share labextensions.
            self.labextensions_path = [labextensions]
            self.extra_labextensions_path = []

    def initialize_handlers(self):
        super().initialize_handlers()
        self.handlers.extend([(r"/api/me", MeHandler), (r"/api/events/subscribe", EventsHandler)])


def _jupyter_server_extension_points():
    return [{"module": __name__, "app": FlowbookLabApp}]


if __name__ == "__main__":
    FlowbookLabApp.launch_instance()
