import * as crypto from "crypto";
import * as fs from "fs";

/**
 * Hex sha256 of a file, read in chunks so that a multi-GB model is never held in memory. Synchronous:
 * validation hashes the model once, before any resource, where the signature is read.
 */
export function sha256File(file: string): string {
    const hash = crypto.createHash("sha256");
    const fd = fs.openSync(file, "r");
    try {
        const chunk = Buffer.alloc(1024 * 1024);
        let read: number;
        while ((read = fs.readSync(fd, chunk, 0, chunk.length, null)) > 0) {
            hash.update(chunk.subarray(0, read));
        }
    } finally {
        fs.closeSync(fd);
    }
    return hash.digest("hex");
}
