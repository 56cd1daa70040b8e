/** A store directory with Drive credentials pointing at the test server. */
import { join } from "node:path";
import type { DriveToken } from "../../lib/index/drive_credentials.ts";
import type { DriveServer } from "./_drive_server.ts";

/** Writes `credentials.json` (token_uri at the test server) and, unless `null`, `drive-token.json`. */
export async function writeDriveStore(
  home: string,
  server: DriveServer,
  token: DriveToken | null = {
    access_token: "test-token",
    scope:
      "https://www.googleapis.com/auth/drive.readonly https://www.googleapis.com/auth/drive.file",
  },
): Promise<void> {
  await Deno.writeTextFile(
    join(home, "credentials.json"),
    JSON.stringify({
      installed: {
        client_id: "test-client",
        client_secret: "test-secret",
        redirect_uris: ["http://localhost"],
        auth_uri: server.authUrl,
        token_uri: server.tokenUrl,
      },
    }),
  );
  if (token) await Deno.writeTextFile(join(home, "drive-token.json"), JSON.stringify(token));
}
