#!/usr/bin/env node
// Draws the Flowbook logo (three linked nodes of a flow on a TypeScript-blue tile) as 32 and 64 px
// PNGs with no image library: RGBA pixels, zlib-deflated into a PNG by hand. Run: node generate-logos.js
'use strict';
const { deflateSync } = require('node:zlib');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const BLUE = [49, 120, 198];
const WHITE = [255, 255, 255];
const AMBER = [255, 196, 61];

function draw(size) {
  const px = new Float32Array(size * size * 4);
  const s = size / 64; // design on a 64-unit grid
  const shapes = [
    { kind: 'tile', color: BLUE, radius: 12 },
    { kind: 'line', color: WHITE, a: [18, 20], b: [46, 32], width: 4 },
    { kind: 'line', color: WHITE, a: [18, 44], b: [46, 32], width: 4 },
    { kind: 'disc', color: WHITE, c: [18, 20], r: 7 },
    { kind: 'disc', color: WHITE, c: [18, 44], r: 7 },
    { kind: 'disc', color: AMBER, c: [46, 32], r: 9 },
  ];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let rgb = [0, 0, 0];
      let alpha = 0;
      for (const shape of shapes) {
        const cover = coverage(shape, x, y, s);
        if (cover <= 0) continue;
        rgb = rgb.map((v, i) => v * (1 - cover) + shape.color[i] * cover);
        alpha = alpha + cover * (1 - alpha);
      }
      const o = (y * size + x) * 4;
      px.set([...rgb, alpha * 255], o);
    }
  }
  return px;
}

/** Fraction of pixel (x, y) covered by a shape, 4×4 supersampled for smooth edges. */
function coverage(shape, x, y, s) {
  let hits = 0;
  for (let sy = 0; sy < 4; sy++) {
    for (let sx = 0; sx < 4; sx++) {
      const u = (x + (sx + 0.5) / 4) / s;
      const v = (y + (sy + 0.5) / 4) / s;
      if (inside(shape, u, v)) hits++;
    }
  }
  return hits / 16;
}

function inside(shape, u, v) {
  switch (shape.kind) {
    case 'tile': {
      const r = shape.radius;
      const dx = Math.max(r - u, 0, u - (64 - r));
      const dy = Math.max(r - v, 0, v - (64 - r));
      return u >= 0 && v >= 0 && u <= 64 && v <= 64 && dx * dx + dy * dy <= r * r;
    }
    case 'disc':
      return (u - shape.c[0]) ** 2 + (v - shape.c[1]) ** 2 <= shape.r ** 2;
    case 'line': {
      const [ax, ay] = shape.a;
      const [bx, by] = shape.b;
      const t = Math.max(0, Math.min(1, ((u - ax) * (bx - ax) + (v - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
      const d = Math.hypot(u - (ax + t * (bx - ax)), v - (ay + t * (by - ay)));
      return d <= shape.width / 2;
    }
  }
  return false;
}

function png(size, pixels) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    for (let i = 0; i < size * 4; i++) raw[y * (size * 4 + 1) + 1 + i] = Math.round(pixels[y * size * 4 + i]);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, deflate, no filter method, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function crc32(bytes) {
  let c = ~0;
  for (const byte of bytes) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

for (const size of [32, 64]) {
  writeFileSync(join(__dirname, `logo-${size}x${size}.png`), png(size, draw(size)));
}
