// Draws Parley's app icon (a speech bubble with a "P") and writes it as PNG files into
// resources/. Plain Node (zlib for the PNG encoding), so it runs anywhere without an image
// tool: `node build/make-icons.mjs`. The PNGs are committed; electron-builder converts the
// 512 px one to .icns/.ico when packaging.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

const BUBBLE = [12, 166, 120]; // Mantine teal.7
const LETTER = [255, 255, 255];

/** Is the point (in a 0..1 unit square) inside the speech bubble? */
function inBubble(x, y) {
  // Rounded rectangle body.
  const [l, t, r, b, rad] = [0.08, 0.1, 0.92, 0.74, 0.16];
  const cx = Math.min(Math.max(x, l + rad), r - rad);
  const cy = Math.min(Math.max(y, t + rad), b - rad);
  const inBody = x >= l && x <= r && y >= t && y <= b && (x - cx) ** 2 + (y - cy) ** 2 <= rad * rad;
  // Tail: a triangle under the lower left.
  const [ax, ay, bx, by, qx, qy] = [0.22, 0.7, 0.44, 0.7, 0.18, 0.92];
  const s = (px, py, x1, y1, x2, y2) => (px - x2) * (y1 - y2) - (x1 - x2) * (py - y2);
  const d1 = s(x, y, ax, ay, bx, by);
  const d2 = s(x, y, bx, by, qx, qy);
  const d3 = s(x, y, qx, qy, ax, ay);
  const inTail = !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
  return inBody || inTail;
}

/** Is the point inside the letter P (a stem and a ring-shaped bowl)? */
function inLetter(x, y) {
  const stem = x >= 0.33 && x <= 0.43 && y >= 0.18 && y <= 0.64;
  const [bx, by, outer, inner] = [0.5, 0.34, 0.16, 0.07];
  const d = Math.hypot(x - bx, y - by);
  const bowl = x >= 0.38 && d <= outer && d >= inner;
  const bars = x >= 0.38 && x <= bx && ((y >= 0.18 && y <= 0.27) || (y >= 0.41 && y <= 0.5));
  return stem || bowl || bars;
}

/** RGBA pixels with 4×4 supersampling for smooth edges. */
function draw(size) {
  const px = Buffer.alloc(size * size * 4);
  const n = 4;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let bubble = 0;
      let letter = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const u = (x + (sx + 0.5) / n) / size;
          const v = (y + (sy + 0.5) / n) / size;
          if (inBubble(u, v)) {
            bubble++;
            if (inLetter(u, v)) letter++;
          }
        }
      }
      const a = bubble / (n * n);
      const mix = bubble ? letter / bubble : 0;
      const i = (y * size + x) * 4;
      for (let c = 0; c < 3; c++) px[i + c] = Math.round(BUBBLE[c] * (1 - mix) + LETTER[c] * mix);
      px[i + 3] = Math.round(a * 255);
    }
  }
  return px;
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** Encodes RGBA pixels as a PNG (8-bit RGBA, filter 0 on every row). */
function png(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const out = join(import.meta.dirname, '..', 'resources');
mkdirSync(out, { recursive: true });
for (const size of [512, 256]) {
  const file = join(out, `icon-${size}.png`);
  writeFileSync(file, png(size, draw(size)));
  process.stdout.write(`wrote ${file}\n`);
}
