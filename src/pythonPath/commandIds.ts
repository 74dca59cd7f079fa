export const COPY_LOGGER_COMMAND = 'trackside.copyLoggerToWorkspace';
