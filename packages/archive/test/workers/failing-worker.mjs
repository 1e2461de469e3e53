// A deflate worker that fails every job, the way the test asks through workerData:
// "answer" replies with an error, "throw" throws out of the message handler, "exit" exits,
// "hang" never answers (for cancellation).
import { parentPort, workerData } from "node:worker_threads";

parentPort.on("message", ({ id }) => {
  switch (workerData?.mode) {
    case "answer":
      parentPort.postMessage({ id, ok: false, message: "no deflate here" });
      break;
    case "throw":
      throw new Error("worker blew up");
    case "exit":
      process.exit(7);
      break;
    default:
      // hang: keep the job forever
      break;
  }
});
