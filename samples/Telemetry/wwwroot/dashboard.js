// The sample's dashboard: three Server-Sent Events feeds of the sample's topics (Pipelines.Http's MapStreamReader)
// and one writer endpoint (MapStreamWriter). Plain canvas and DOM, no library and no build step.
'use strict';

const WINDOW_MS = 60_000;  // what the plot shows
const BUCKET_MS = 100;     // one point per car per 100 ms: the mean of its rows in them (ten at 100 Hz) smooths the noise
const SLOWEST = 100;       // each lane's floor and ceiling, km/h
const TOP_SPEED = 340;
const COLORS = ['#ff6b5a', '#ffb547', '#f5e663', '#3ddc84', '#36c5f0', '#6f8cff', '#c77dff', '#ff7ac6'];
const LOG_LENGTH = 40;

const cars = new Map();    // car id → { id, color, driver, points: [{ t, speed }], bucket: { t, sum, count } }
let newest = 0;            // the newest row's time, the plot's right edge: the rows' clock, not the browser's
let plotted = 0;           // points ever added to the plot (the canvas's data-points, which the browser test watches)

const canvas = document.getElementById('speed');
const context = canvas.getContext('2d');
const form = document.getElementById('note-form');
const status = document.getElementById('note-status');

function car(id) {
  let known = cars.get(id);
  if (!known) {
    known = { id, color: COLORS[cars.size % COLORS.length], driver: '', points: [], bucket: null };
    cars.set(id, known);
    const option = new Option(id, id);
    const after = [...form.car.options].find(o => o.value > id);
    form.car.add(option, after ?? null);
  }
  return known;
}

// A feed of one topic; EventSource reconnects by itself after an error or a server's "dropped" end, sending the last
// frame's id as Last-Event-ID, so the feed reads on where it was.
function follow(name, path, onRows) {
  const light = document.querySelector(`[data-feed="${name}"]`);
  const source = new EventSource(path);
  source.onopen = () => { light.className = 'live'; };
  source.onerror = () => { light.className = 'down'; };
  source.addEventListener('rows', message => {
    const frame = JSON.parse(message.data);
    onRows(frame.rows, frame.stream);
  });
}

function addSpeed(row) {
  const t = Date.parse(row.Time);
  const known = car(row.CarId);
  const slot = t - (t % BUCKET_MS);
  if (known.bucket && slot < known.bucket.t) {
    return; // older than what the lane shows already: a line drawn back in time helps nobody
  }
  if (known.bucket && known.bucket.t !== slot) {
    known.points.push({ t: known.bucket.t, speed: known.bucket.sum / known.bucket.count });
    known.bucket = null;
    plotted++;
  }
  known.bucket ??= { t: slot, sum: 0, count: 0 };
  known.bucket.sum += row.Speed;
  known.bucket.count++;
  newest = Math.max(newest, t);
}

function log(list, time, text) {
  const item = document.createElement('li');
  const stamp = document.createElement('time');
  stamp.dateTime = time.toISOString();
  stamp.textContent = time.toLocaleTimeString([], { hour12: false });
  item.append(stamp, text);   // text, never HTML: notes are what anyone posted
  list.prepend(item);
  while (list.children.length > LOG_LENGTH) {
    list.lastElementChild.remove();
  }
}

// One lane per car, its speed over the last minute: eight cars on one axis would be one tangle of lines.
function draw() {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, width, height);

  const lanes = [...cars.values()].sort((a, b) => a.id.localeCompare(b.id));
  const area = { left: 84, right: width - 44, top: 0, bottom: height - 20 };
  const lane = (area.bottom - area.top) / Math.max(lanes.length, 1);
  const x = t => area.right - ((newest - t) / WINDOW_MS) * (area.right - area.left);

  context.font = '12px system-ui, sans-serif';
  context.textBaseline = 'middle';
  context.textAlign = 'center';
  context.fillStyle = '#8b93a0';
  for (let ago = 0; ago <= WINDOW_MS; ago += 10_000) {
    context.fillText(ago === 0 ? 'now' : `-${ago / 1000} s`, x(newest - ago), height - 9);
  }

  lanes.forEach((known, index) => {
    const top = area.top + index * lane;
    const y = speed => top + lane - 4 - ((Math.min(Math.max(speed, SLOWEST), TOP_SPEED) - SLOWEST) / (TOP_SPEED - SLOWEST)) * (lane - 8);
    const points = known.points;
    while (points.length > 0 && points[0].t < newest - WINDOW_MS) {
      points.shift();
    }

    context.strokeStyle = '#262c35';
    context.lineWidth = 1;
    context.beginPath();
    context.moveTo(area.left, top + lane);
    context.lineTo(area.right, top + lane);
    context.stroke();

    context.textAlign = 'left';
    context.fillStyle = known.color;
    context.fillText(known.id, 0, top + lane / 2 - 8);
    context.fillStyle = '#8b93a0';
    context.fillText(known.driver, 0, top + lane / 2 + 8);

    context.strokeStyle = known.color;
    context.lineWidth = 1.5;
    context.beginPath();
    points.forEach((point, i) => {
      // A car in its pit box sends nothing: its lane shows the gap rather than a line across it.
      const gap = i === 0 || point.t - points[i - 1].t > 5 * BUCKET_MS;
      (gap ? context.moveTo : context.lineTo).call(context, x(point.t), y(point.speed));
    });
    context.stroke();

    const last = points.at(-1);
    context.textAlign = 'right';
    context.fillStyle = '#e6e8eb';
    context.fillText(last ? String(Math.round(last.speed)) : '–', width, top + lane / 2);
  });

  canvas.dataset.points = String(plotted);
  canvas.dataset.cars = String(lanes.length);
  requestAnimationFrame(draw);
}

// Each feed starts a little in the past (by the messages' Kafka time), so that a page opened mid-session shows the last
// half minute of speeds and the last laps, alerts and notes at once; live frames follow without a gap.
const since = seconds => encodeURIComponent(new Date(Date.now() - seconds * 1000).toISOString());

follow('telemetry', `/api/telemetry/feed?from=${since(30)}`, rows => rows.forEach(addSpeed));

follow('insights', `/api/insights/feed?from=${since(600)}`, rows => {
  for (const row of rows) {
    const known = car(row.CarId);
    known.driver = row.Driver ?? known.driver;
    if (row.LapCompleted != null) {
      log(document.getElementById('laps'), new Date(row.Time), `${row.CarId} ${known.driver} · lap ${row.LapCompleted}`);
    }
    if (row.Alert) {
      log(document.getElementById('alerts'), new Date(row.Time), `${row.CarId} ${known.driver} · ${row.Alert}`);
    }
  }
});

// Notes come back through the reader, whoever posted them: this page, another one, or the sample's pit-wall service.
follow('notes', `/api/pit-notes/feed?from=${since(600)}`, rows => {
  for (const row of rows) {
    log(document.getElementById('notes'), new Date(), `${row.car} lap ${row.lap}: ${row.note}`);
  }
});

form.addEventListener('submit', async event => {
  event.preventDefault();
  const note = { car: form.car.value, note: form.note.value, lap: Number(form.lap.value) };
  status.className = '';
  status.textContent = 'posting…';
  try {
    const response = await fetch('/api/pit-notes/rows', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(note),
    });
    const answer = await response.json().catch(() => ({}));
    if (response.ok) {
      status.textContent = `written (${answer.written})`;
      form.note.value = '';
    } else {
      // A 400 names each bad field; a 503 asks to come back after Retry-After.
      status.className = 'error';
      status.textContent = answer.errors
        ? Object.entries(answer.errors).map(([field, messages]) => `${field}: ${messages.join(' ')}`).join('; ')
        : `${response.status}: ${answer.detail ?? response.statusText}`;
    }
  } catch (failure) {
    status.className = 'error';
    status.textContent = `not sent: ${failure.message}`;
  }
});

requestAnimationFrame(draw);
