import type { Handler } from '../handler';

export const commOpen: Handler = async (request, _channel, kernel) => kernel.comms.handleOpen(request);

export const commMsg: Handler = async (request, _channel, kernel) => kernel.comms.handleMessage(request);

export const commClose: Handler = async (request, _channel, kernel) => kernel.comms.handleClose(request);

export const commInfoRequest: Handler = async (request, channel, kernel) => {
  const target = request.content.target_name;
  kernel.messenger.reply(channel, request, 'comm_info_reply', {
    status: 'ok',
    comms: kernel.comms.info(typeof target === 'string' && target !== '' ? target : undefined),
  });
};
