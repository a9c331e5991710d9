// One websocket per page: JSON control messages and binary frames
// (docs/protocol.md), reconnecting with exponential backoff.

const BACKOFF_MIN_MS = 250;
const BACKOFF_MAX_MS = 8000;

// decodeFrame splits a binary frame into its JSON header and float32 arrays
// (views on the message buffer, no copies).
function decodeFrame(buf) {
  const dv = new DataView(buf);
  const n = dv.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 4, n)));
  let start = 4 + n;
  start += (4 - (start % 4)) % 4;
  const arrays = {};
  for (const a of header.arrays) {
    arrays[a.name] = new Float32Array(buf, start + 4 * a.offset, a.length);
    arrays[a.name].shape = a.shape;
  }
  return { header, arrays };
}

export class Socket {
  constructor(path, { onFrame, onMessage, onStatus, onOpen }) {
    this.url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path;
    this.onFrame = onFrame;
    this.onMessage = onMessage;
    this.onStatus = onStatus;
    this.onOpen = onOpen;
    this.backoff = BACKOFF_MIN_MS;
    this.ws = null;
    this.closed = false;
    this.connect();
  }

  connect() {
    this.onStatus("connecting");
    const ws = new WebSocket(this.url);
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    ws.onopen = () => {
      this.backoff = BACKOFF_MIN_MS;
      this.onStatus("open");
      this.onOpen();
    };
    ws.onmessage = (ev) => {
      if (typeof ev.data === "string") {
        let msg;
        try { msg = JSON.parse(ev.data); } catch { return; }
        this.onMessage(msg);
      } else {
        this.onFrame(decodeFrame(ev.data));
      }
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.closed) return;
      this.onStatus("offline");
      const delay = this.backoff * (0.75 + Math.random() * 0.5);
      this.backoff = Math.min(BACKOFF_MAX_MS, this.backoff * 2);
      setTimeout(() => this.connect(), delay);
    };
  }

  get open() { return this.ws !== null && this.ws.readyState === WebSocket.OPEN; }

  // send drops the message when offline: on reconnect every widget resends
  // its full state, so nothing is lost.
  send(msg) {
    if (this.open) this.ws.send(JSON.stringify(msg));
  }

  close() {
    this.closed = true;
    if (this.ws) this.ws.close();
  }
}
