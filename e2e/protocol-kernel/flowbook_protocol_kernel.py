"""A stand-in for the Flowbook kernel in browser tests: an ipykernel that speaks the `flowbook` comm
protocol (magics/src/protocol.ts) over a tiny simulated flow, so the extension's live paths (Flow
panel, node form, training display, Stop) are exercised before the TypeScript kernel lands.

Loaded with `--IPKernelApp.exec_files=<this file>`. Cells `%%source ID`, `%%split ID --from X` and
`%%dnn_classifier ID --from X:train` define nodes (cell ids come from JupyterLab's execute_request
metadata); a model node "trains" in a background thread, one epoch every EPOCH_SECONDS, with a
training display updated in place and job events on the comm. Nothing here is product code.
"""
import re
import threading
import time
import uuid

from IPython import get_ipython
from IPython.core.magic import register_cell_magic
from IPython.display import display

EPOCH_SECONDS = 0.5
BATCHES = 4
IRIS_COLUMNS = [
    {"name": "sepalLength", "type": "float64"}, {"name": "sepalWidth", "type": "float64"},
    {"name": "petalLength", "type": "float64"}, {"name": "petalWidth", "type": "float64"},
    {"name": "species", "type": "utf8"},
]
DNN_CLASSIFIER_SCHEMA = {
    "kind": "dnn_classifier",
    "title": "DNN classification",
    "schema": {
        "type": "object",
        "required": ["target"],
        "properties": {
            "target": {"type": "string", "title": "Target column", "x-flowbook-column": "one"},
            "features": {"type": "array", "title": "Feature columns", "items": {"type": "string"},
                         "x-flowbook-column": "many"},
            "preprocessing": {"type": "object", "title": "Preprocessing", "properties": {
                "standardize": {"type": "string", "enum": ["zscore", "minmax", "none"], "default": "zscore"}}},
            "network": {"type": "object", "title": "Network", "properties": {
                "hidden_units": {"type": "array", "items": {"type": "integer", "minimum": 1}, "default": [64, 32]},
                "activation": {"type": "string", "enum": ["relu", "tanh", "sigmoid"], "default": "relu"}}},
            "training": {"type": "object", "title": "Training", "properties": {
                "epochs": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100, "title": "Epochs"},
                "learning_rate": {"type": "number", "exclusiveMinimum": 0, "default": 0.001,
                                  "title": "Learning rate"}}},
        },
    },
    "groups": [
        {"id": "data", "title": "Data", "properties": ["target", "features"]},
        {"id": "preprocessing", "title": "Preprocessing", "properties": ["preprocessing"]},
        {"id": "network", "title": "Network", "properties": ["network"]},
        {"id": "training", "title": "Training", "properties": ["training"]},
    ],
}


class Flow:
    def __init__(self):
        self.nodes = {}  # id -> node dict, in definition order
        self.edges = []
        self.comms = []
        self.jobs = {}  # job id -> Job
        self.epochs = {}  # model node id -> epochs its cell asks for
        self.lock = threading.Lock()

    def snapshot(self):
        with self.lock:
            return {"nodes": [dict(n) for n in self.nodes.values()], "edges": [dict(e) for e in self.edges]}

    def send(self, message):
        for comm in list(self.comms):
            comm.send(message)

    def define(self, node_id, kind, sources, cell_id):
        with self.lock:
            self.nodes[node_id] = {"id": node_id, "kind": kind, "status": "stale", "cellId": cell_id}
            self.edges = [e for e in self.edges if e["to"] != node_id]
            for source in sources:
                upstream, _, port = source.partition(":")
                edge = {"from": upstream, "to": node_id}
                if port:
                    edge["fromPort"] = port
                self.edges.append(edge)
        self.send({"type": "graph", "graph": self.snapshot()})

    def set_status(self, node_id, status, **extra):
        with self.lock:
            self.nodes[node_id].update(status=status, **extra)
        self.send({"type": "node_status", "nodeId": node_id, "status": status, **extra})

    def run(self, node_id):
        kind = self.nodes[node_id]["kind"]
        self.set_status(node_id, "running")
        if kind == "dnn_classifier":
            Job(self, node_id, epochs=self.epochs.get(node_id, 30)).start()
        else:
            time.sleep(0.2)
            self.set_status(node_id, "done", rows=150 if kind == "source" else 120)


class Job(threading.Thread):
    def __init__(self, flow, node_id, epochs):
        super().__init__(daemon=True)
        self.flow, self.node_id, self.epochs = flow, node_id, epochs
        self.job_id = f"job-{uuid.uuid4().hex[:8]}"
        self.stop_requested = threading.Event()
        self.history = []
        self.started = time.time()
        flow.jobs[self.job_id] = self
        display(self.payload("running", 0), raw=True, display_id=self.job_id)
        flow.send({"type": "job_started", "jobId": self.job_id, "nodeId": node_id, "backend": "cpu",
                   "logPath": f".flowbook/jobs/{self.job_id}/log.txt",
                   "tensorboardDir": f".flowbook/jobs/{self.job_id}/tensorboard",
                   "epochs": epochs, "batchesPerEpoch": BATCHES})

    def payload(self, status, batches_done, best=None):
        elapsed = (time.time() - self.started) * 1000
        done = len(self.history)
        eta = elapsed / done * (self.epochs - done) if done and status == "running" else None
        data = {"jobId": self.job_id, "nodeId": self.node_id, "backend": "cpu", "status": status,
                "epochs": {"done": done, "total": self.epochs}, "batches": {"done": batches_done, "total": BATCHES},
                "history": list(self.history), "elapsedMs": elapsed, "etaMs": eta, "best": best}
        return {"application/vnd.flowbook.training+json": data,
                "text/plain": f"{self.node_id}: {status}, epoch {done} of {self.epochs}"}

    def best(self):
        best = min(self.history, key=lambda r: r["val"]["loss"])
        return {"epoch": best["epoch"], "metric": "val_loss", "value": best["val"]["loss"]}

    def run(self):
        for epoch in range(1, self.epochs + 1):
            for batch in range(1, BATCHES + 1):
                if self.stop_requested.wait(EPOCH_SECONDS / BATCHES):
                    return self.finish("stopped")
                self.flow.send({"type": "job_metrics", "jobId": self.job_id, "epoch": epoch, "batch": batch,
                                "logs": {"loss": 1.0 / epoch}})
                display(self.payload("running", batch), raw=True, display_id=self.job_id, update=True)
            record = {"epoch": epoch, "train": {"loss": round(1.0 / epoch, 4), "acc": round(1 - 0.5 / epoch, 4)},
                      "val": {"loss": round(1.1 / epoch + 0.02, 4), "acc": round(1 - 0.6 / epoch, 4)}}
            self.history.append(record)
            self.flow.send({"type": "job_metrics", "jobId": self.job_id, "epoch": epoch,
                            "logs": {**record["train"], **{f"val_{k}": v for k, v in record["val"].items()}}})
            display(self.payload("running", 0), raw=True, display_id=self.job_id, update=True)
        self.finish("completed")

    def finish(self, state):
        best = self.best() if self.history else None
        display(self.payload(state, 0, best), raw=True, display_id=self.job_id, update=True)
        self.flow.send({"type": "job_finished", "jobId": self.job_id, "state": state, "best": best,
                        "modelPath": f".flowbook/models/{self.node_id}"})
        metric = {"name": "val_acc", "value": self.history[-1]["val"]["acc"]} if self.history else None
        self.flow.set_status(self.node_id, "done", metric=metric)


FLOW = Flow()


def handle_request(comm, request):
    kind = request.get("type")
    reply = {"type": "reply", "requestId": request.get("requestId"), "ok": True}
    if kind == "get_graph":
        reply["result"] = FLOW.snapshot()
    elif kind == "get_schema" and request.get("kind") == "dnn_classifier":
        reply["result"] = DNN_CLASSIFIER_SCHEMA
    elif kind == "get_columns":
        reply["result"] = {"columns": IRIS_COLUMNS}
    elif kind == "stop_job" and request.get("jobId") in FLOW.jobs:
        FLOW.jobs[request["jobId"]].stop_requested.set()
        reply["result"] = {"stopped": True}
    elif kind == "run_node" and request.get("nodeId") in FLOW.nodes:
        reply["result"] = {"accepted": True}
        comm.send(reply)
        FLOW.run(request["nodeId"])
        return
    else:
        reply = {"type": "reply", "requestId": request.get("requestId"), "ok": False,
                 "error": {"message": f"The stand-in kernel cannot answer {kind}.", "hint": "Use the Flowbook kernel."}}
    comm.send(reply)


def open_comm(comm, open_msg):
    FLOW.comms.append(comm)
    comm.on_msg(lambda msg: handle_request(comm, msg["content"]["data"]))
    comm.on_close(lambda msg: FLOW.comms.remove(comm))
    comm.send({"type": "graph", "graph": FLOW.snapshot()})


def cell_id():
    return get_ipython().kernel.get_parent().get("metadata", {}).get("cellId")


def define_node(kind, line, cell):
    words = line.split()
    node_id = words[0]
    sources = words[words.index("--from") + 1].split(",") if "--from" in words else []
    FLOW.define(node_id, kind, sources, cell_id())
    match = re.search(r"epochs:\s*(\d+)", cell)
    if match:
        FLOW.epochs[node_id] = int(match.group(1))
    FLOW.run(node_id)


for _kind in ("source", "split", "dnn_classifier"):
    register_cell_magic(_kind)(lambda line, cell, _kind=_kind: define_node(_kind, line, cell))

get_ipython().kernel.comm_manager.register_target("flowbook", open_comm)
