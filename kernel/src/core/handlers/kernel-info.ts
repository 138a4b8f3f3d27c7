import type { Handler } from '../handler';

export const kernelInfoRequest: Handler = async (request, channel, kernel) => {
  kernel.messenger.reply(channel, request, 'kernel_info_reply', kernel.kernelInfo);
};
