package qconbot.commands;

import com.slack.api.model.block.LayoutBlock;

import java.util.List;

/** A message to show: Block Kit blocks, and the plain-text fallback Slack uses in notifications. */
public record Reply(String text, List<LayoutBlock> blocks) {

    public Reply {
        blocks = List.copyOf(blocks);
    }
}
