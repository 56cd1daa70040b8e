/**
 * A tiny zip writer for test fixtures, able to write what a well-behaved
 * archiver never would: `..` and absolute names, symlinks, lying sizes,
 * duplicate names.
 *
 * @module
 */
import { crc32, deflateRawSync } from "node:zlib";

/** One entry of a fixture zip. */
export interface ZipEntrySpec {
  /** The name exactly as stored (folders end in `/`). */
  name: string;
  /** The content (a symlink's is its target). */
  data?: Uint8Array | string;
  /** Deflate the content. @default false (stored) */
  deflate?: boolean;
  /** The Unix mode (type and permissions). @default 0o100644, or 0o040755 for a name ending in `/` */
  mode?: number;
  /** Record this uncompressed size instead of the true one. */
  declaredSize?: number;
  /** Set the "encrypted" flag (the bytes are not actually encrypted). @default false */
  encrypted?: boolean;
  /** Record this CRC-32 instead of the true one. */
  declaredCrc?: number;
}

const encoder = new TextEncoder();

class Bytes {
  readonly parts: Uint8Array[] = [];
  length = 0;
  push(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.length += bytes.length;
  }
  u16(value: number): void {
    const b = new Uint8Array(2);
    new DataView(b.buffer).setUint16(0, value, true);
    this.push(b);
  }
  u32(value: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, value >>> 0, true);
    this.push(b);
  }
  concat(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const part of this.parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
}

/** The bytes of a zip holding `entries` (made on Unix, UTF-8 names). */
export function makeZip(entries: readonly ZipEntrySpec[]): Uint8Array {
  const out = new Bytes();
  const central = new Bytes();
  for (const entry of entries) {
    const name = encoder.encode(entry.name);
    const raw = typeof entry.data === "string" ? encoder.encode(entry.data) : entry.data ?? [];
    const data = new Uint8Array(raw);
    const stored = entry.deflate ? new Uint8Array(deflateRawSync(data)) : data;
    const crc = (entry.declaredCrc ?? crc32(data)) >>> 0;
    const flags = 0x0800 | (entry.encrypted ? 1 : 0);
    const size = entry.declaredSize ?? data.length;
    const method = entry.deflate ? 8 : 0;
    const mode = entry.mode ?? (entry.name.endsWith("/") ? 0o040755 : 0o100644);
    const offset = out.length;
    out.u32(0x04034b50);
    out.u16(20);
    out.u16(flags);
    out.u16(method);
    out.u16(0);
    out.u16(0x21);
    out.u32(crc);
    out.u32(stored.length);
    out.u32(size);
    out.u16(name.length);
    out.u16(0);
    out.push(name);
    out.push(stored);
    central.u32(0x02014b50);
    central.u16(0x031e);
    central.u16(20);
    central.u16(flags);
    central.u16(method);
    central.u16(0);
    central.u16(0x21);
    central.u32(crc);
    central.u32(stored.length);
    central.u32(size);
    central.u16(name.length);
    central.u16(0);
    central.u16(0);
    central.u16(0);
    central.u16(0);
    central.u32(mode * 0x10000);
    central.u32(offset);
    central.push(name);
  }
  const centralStart = out.length;
  const centralBytes = central.concat();
  out.push(centralBytes);
  out.u32(0x06054b50);
  out.u16(0);
  out.u16(0);
  out.u16(entries.length);
  out.u16(entries.length);
  out.u32(centralBytes.length);
  out.u32(centralStart);
  out.u16(0);
  return out.concat();
}
