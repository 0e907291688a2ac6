// Where every command writes (stdout, stderr), so commands can be run and checked in-process.
export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Becomes true when the reader of a stream has gone (`hil run | head`); nothing more is written to it. */
function writerTo(stream: NodeJS.WriteStream): (text: string) => void {
  let readerGone = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    // A closed pager must not end a night's run: its results also go to files and the broker.
    if (error.code !== 'EPIPE') throw error;
    readerGone = true;
  });
  return (text) => {
    if (!readerGone) stream.write(`${text}\n`);
  };
}

export const processOutput: CliOutput = {
  stdout: writerTo(process.stdout),
  stderr: writerTo(process.stderr),
};
