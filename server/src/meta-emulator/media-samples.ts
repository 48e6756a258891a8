import { deflateSync } from 'node:zlib';

// Small but structurally valid files for simulated customers' media, so Parley's media
// pipeline (download, sniff, store, thumbnail) has real bytes to work on.

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** A valid RGB PNG of the given size filled with one colour (8-bit, no interlace). */
export function generatePng(width: number, height: number, rgb: [number, number, number]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set(rgb, 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A valid baseline JPEG: one 8×8 mid-grey block. Both Huffman tables hold a single 1-bit code
 * (DC category 0, AC end-of-block), so the whole scan is the two bits `00` padded with ones.
 */
export function generateJpeg(): Buffer {
  const hex = [
    'ffd8',
    'ffe000104a46494600010100000100010000', // APP0 JFIF
    `ffdb004300${'01'.repeat(64)}`, // DQT: all ones
    'ffc0000b080008000801011100', // SOF0: 8×8, 1 component
    `ffc4001400${'01' + '00'.repeat(15)}00`, // DHT DC: one code for category 0
    `ffc4001410${'01' + '00'.repeat(15)}00`, // DHT AC: one code for EOB
    'ffda000801010000003f00', // SOS
    '3f', // scan: DC=0, EOB, padding
    'ffd9',
  ].join('');
  return Buffer.from(hex, 'hex');
}

/** A 1×1 lossless WebP (sticker). */
export const WEBP_1X1 = Buffer.from('UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==', 'base64');

/** A minimal one-page PDF. */
export function generatePdf(text: string): Buffer {
  const safe = text.replace(/[()\\]/g, '');
  return Buffer.from(
    `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n` +
      `3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]/Contents 4 0 R>>endobj\n` +
      `4 0 obj<</Length ${safe.length + 30}>>stream\nBT /F1 12 Tf 10 50 Td (${safe}) Tj ET\nendstream endobj\n` +
      `trailer<</Root 1 0 R>>\n%%EOF\n`,
  );
}

/** A small Ogg page with an OpusHead packet: enough for type sniffing, not for playback. */
export function generateOggOpus(): Buffer {
  const head = Buffer.concat([
    Buffer.from('OpusHead'),
    Buffer.from([1, 1, 0x38, 1, 0x80, 0xbb, 0, 0, 0, 0, 0]),
  ]);
  const header = Buffer.concat([
    Buffer.from('OggS'),
    Buffer.from([0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, head.length]),
  ]);
  return Buffer.concat([header, head]);
}

/** A minimal MP4 (`ftyp` + empty `mdat`): enough for type sniffing. */
export function generateMp4(): Buffer {
  const ftyp = Buffer.concat([
    Buffer.from([0, 0, 0, 0x18]),
    Buffer.from('ftypisom'),
    Buffer.from([0, 0, 2, 0]),
    Buffer.from('isomiso2'),
  ]);
  return Buffer.concat([ftyp, Buffer.from([0, 0, 0, 8]), Buffer.from('mdat')]);
}
