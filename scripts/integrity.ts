/**
 * `deno task integrity <md5>.torrent <content>`: checks that the content's MD5
 * is the one its legacy torrent is named after (replaces the original
 * `integrity.py`). Exit 0 pass, 1 mismatch or unreadable, 2 usage. See
 * lib/cli/integrity_command.ts.
 *
 * @module
 */
import { integrityCommand } from "../lib/cli/integrity_command.ts";
import { processIo } from "../lib/cli/io.ts";

if (import.meta.main) Deno.exit(await integrityCommand(Deno.args, processIo));
